"""Red Hat s2i images' own scripts in a migrated Dockerfile (adversary 10 D16): fix-permissions is ported, s2i's
/usr/libexec/s2i scripts are errors, and no runtime copies them from a builder that never has them."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, codes, final_stage, messages, migrate

S2I = ("FROM registry.access.redhat.com/ubi8/python-39\nUSER 0\nADD app-src /tmp/src\n"
       "RUN /usr/bin/fix-permissions /tmp/src\nUSER 1001\nRUN /usr/libexec/s2i/assemble\n"
       "CMD /usr/libexec/s2i/run\n")


def test_the_s2i_scripts_are_errors_and_the_runtime_copies_nothing_the_builder_lacks() -> None:
    result = migrate(S2I)
    assert "/usr/libexec/s2i" not in final_stage(result).replace('CMD ["/usr/libexec/s2i/run"]', "")
    assert "COPY --from=builder" not in final_stage(result)
    assert any(f.code == "MIG412" and f.line == 6 and "/usr/libexec/s2i/assemble" in f.message
               for f in result.findings)
    assert any(f.code == "MIG540" and f.line == 7 and "path of the source image" in f.message
               for f in result.findings)
    assert result.runtime is not None and result.runtime.status == "broken"


def test_fix_permissions_is_ported_to_the_chgrp_and_chmod_it_does_as_root() -> None:
    result = migrate(S2I)
    assert "RUN chgrp -R 0 /tmp/src && chmod -R g+rwX /tmp/src\n" in builder_stage(result)
    assert "fix-permissions" not in result.dockerfile
    assert messages(result, "MIG425") and "MIG412" not in codes(result)[:1]


@pytest.mark.parametrize("image", ["registry.access.redhat.com/ubi9/python-311:1-66",
                                   "registry.access.redhat.com/ubi9/nodejs-20"])
def test_fix_permissions_by_name_on_an_s2i_image_is_ported(image: str) -> None:
    result = migrate(f"FROM {image}\nUSER 0\nCOPY . /tmp/src\nRUN fix-permissions /tmp/src -P && echo done\n"
                     "USER 1001\nCMD [\"sleep\", \"1\"]\n")
    assert "RUN chgrp -R 0 /tmp/src && chmod -R g+rwX /tmp/src && echo done\n" in builder_stage(result)
    assert "MIG425" in codes(result)


def test_fix_permissions_as_another_user_only_changes_its_own_files() -> None:
    result = migrate("FROM registry.access.redhat.com/ubi9/python-311\nCOPY . /opt/app-root/src\nUSER 1001\n"
                     "RUN fix-permissions ./\nCMD [\"python\", \"app.py\"]\n")
    assert "RUN find ./ -user \"$(id -u)\" -exec chmod g+rwX {} +\n" in builder_stage(result)
    assert "not in group 0" in messages(result, "MIG425")[0]


@pytest.mark.parametrize("text", [
    # another image's fix-permissions (jupyter's docker-stacks ship their own), or the stage's own
    "FROM python:3.12\nRUN fix-permissions /app\nCMD [\"python\"]\n",
    "FROM registry.access.redhat.com/ubi9/python-311\nUSER 0\nCOPY fix-permissions /usr/local/bin/\n"
    "RUN fix-permissions /app\nCMD [\"python\"]\n",
])
def test_a_fix_permissions_that_is_not_the_s2i_image_s_is_left(text: str) -> None:
    result = migrate(text)
    assert "RUN fix-permissions /app\n" in result.dockerfile and "MIG425" not in codes(result)


def test_the_s2i_scripts_variable_names_the_scripts_too() -> None:
    result = migrate("FROM registry.access.redhat.com/ubi9/python-311\nUSER 0\nCOPY . /tmp/src\n"
                     "USER 1001\nRUN $STI_SCRIPTS_PATH/assemble\nCMD $STI_SCRIPTS_PATH/run\n")
    assert any(f.code == "MIG412" and f.line == 5 for f in result.findings)
    assert any(f.code == "MIG540" and "/usr/libexec/s2i/run" in f.message for f in result.findings)
    assert "COPY --from=builder --chown=65532:65532 /usr/libexec" not in final_stage(result)


def test_a_copy_from_of_an_s2i_path_the_builder_never_has_is_an_error() -> None:
    result = migrate("FROM registry.access.redhat.com/ubi9/python-311 AS build\nCOPY . .\n"
                     "RUN pip install -r requirements.txt\n"
                     "FROM registry.access.redhat.com/ubi9/python-311\n"
                     "COPY --from=build /usr/libexec/s2i/run /usr/local/bin/run\nCMD [\"python\", \"app.py\"]\n")
    assert any(f.code == "MIG543" and f.line == 5 for f in result.findings)


def test_the_s2i_image_s_app_root_variable_is_written_for_the_port() -> None:
    # `fix-permissions ${APP_ROOT} -P`: the s2i image set APP_ROOT (/opt/app-root); unset on Chainguard, the ported
    # chgrp would get no operand and fail
    result = migrate("FROM registry.access.redhat.com/ubi9/python-311\nUSER 0\nCOPY . /tmp/src\n"
                     "RUN fix-permissions ${APP_ROOT} -P\nCMD [\"python\", \"app.py\"]\n")
    builder = builder_stage(result)
    assert "ENV APP_ROOT=/opt/app-root\n" in builder
    assert "RUN chgrp -R 0 ${APP_ROOT} && chmod -R g+rwX ${APP_ROOT}\n" in builder
