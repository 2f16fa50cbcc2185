"""Ruby: gems are installed under one GEM_HOME in the builder and copied with the app."""

from __future__ import annotations

from migrator.plan.ecosystems.base import (
    BuilderInsert,
    Copy,
    EcosystemContext,
    RuntimePlan,
    installed_as_root,
    made_for_user,
    user_in_force,
)
from migrator.plan.facts import Command

GEM_HOME = "/usr/local/bundle"


class Ruby:
    name = "ruby"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        from migrator.rewrite.bundler_flags import runs_install, writes_local_config

        plan = RuntimePlan()
        installs = [c for c in context.commands("bundle", "gem")
                    if c.words[1:2] == ("install",) or (c.words[0].endswith("bundle") and runs_install(c.words))]
        if not installs:
            if (why := _bundler_at_start(context, gemfile_app=False)) is not None:
                self._bundler_for_runtime(context, plan, why)
            return plan
        home = context.facts.env.get("GEM_HOME") or context.facts.env.get("BUNDLE_PATH")
        app_config = False
        if not home:
            home = GEM_HOME
            # Docker Hub's ruby keeps the local bundle configuration (BUNDLE_APP_CONFIG) in GEM_HOME: so does the
            # migration of a stage built on it that writes one (the install flags Bundler 4 removed become
            # `bundle config set --local`), copied with the gems, and out of reach of a later `COPY . .` of the
            # app's own .bundle, as it was. From another image, the config stays in the app's .bundle, as it was.
            app_config = ("BUNDLE_APP_CONFIG" not in context.facts.env and _source_sets_app_config(context)
                          and any(writes_local_config(c.words) for c in context.commands("bundle")))
            setup = f"ENV GEM_HOME={home} BUNDLE_PATH={home}{f' BUNDLE_APP_CONFIG={home}' * app_config} " \
                    f"PATH=\"{home}/bin:$PATH\""
            # ruby:latest-dev ships bundler, so `bundle install` needs no download; only a runtime that
            # starts `bundle` or loads Bundler needs bundler of its own (the ruby runtime image has none):
            # installed into GEM_HOME, which it copies (unless the Dockerfile's own `gem install bundler`, after this
            # ENV, puts it there already). That install downloads from rubygems.org.
            bundler = _needs_bundler(installs, context)
            if bundler is not None:
                setup += "\nRUN gem install bundler --no-document"
            plan.builder_inserts.append(BuilderInsert(installs[0].instruction.line, setup, made=home))
            user = user_in_force(context.facts.stage, installs[0].instruction.line)
            kept = " with the local bundle configuration (BUNDLE_APP_CONFIG, as Docker Hub's ruby has it)" * app_config
            what = "gems (and bundler)" if bundler is not None else "gems"
            plan.note("MIG515", installs[0].line, f"{what} install into {home}{kept}, "
                      + ("one directory apart from the ruby apk installs" if context.single_stage else
                         "which the runtime copies: the ruby runtime image has no shell and no bundler of its own"
                         + (f"; bundler comes from rubygems.org ({bundler}), so this build needs "
                            "network access" if bundler is not None else "; the builder's own bundler (ruby:latest-dev "
                            "ships it) installs the gems, offline"))
                      + (f"; made as root (only root may write to /usr/local) and given to {user}, who runs the "
                         "install" if user else ""))
        else:
            _make_for_user(home, context, plan, installs)
        plan.copies.append(Copy(home, home, root_owned=installed_as_root(context.facts, installs[0].instruction.line)))
        plan.env += [f"GEM_HOME={home}", f"BUNDLE_PATH={home}", *[f"BUNDLE_APP_CONFIG={home}"] * app_config,
                     f'PATH="{home}/bin:$PATH"']
        return plan


    def _bundler_for_runtime(self, context: EcosystemContext, plan: RuntimePlan, why: str) -> None:
        """`bundle exec` at run time (or an app that loads Bundler itself), gems installed elsewhere (a vendor
        path): bundler itself must reach the runtime, which has none, so it is installed into a GEM_HOME that is
        copied."""
        home = context.facts.env.get("GEM_HOME") or GEM_HOME
        plan.builder_appends += [f'ENV GEM_HOME={home} PATH="{home}/bin:$PATH"',
                                 "RUN gem install bundler --no-document"]
        plan.copies.append(Copy(home, home))
        plan.env += [f"GEM_HOME={home}", f'PATH="{home}/bin:$PATH"']
        line = (context.facts.entrypoint or context.facts.cmd or context.facts.stage.from_item).line
        plan.note("MIG515", line, f"bundler is installed into {home}" + (
            "" if context.single_stage else f", which the runtime copies: the ruby runtime image has no bundler, and "
            f"{why}"))


def _make_for_user(home: str, context: EcosystemContext, plan: RuntimePlan, installs: list[Command]) -> None:
    """The stage's own GEM_HOME (`ENV GEM_HOME=/usr/local/bundle`, Docker Hub ruby's, open to all there), which
    ruby:latest-dev lacks: made as root and given to a non-root USER that installs into it. A runtime that starts
    `bundle` gets bundler there too, as with the GEM_HOME the migration sets (the ruby runtime image has none)."""
    install = installs[0]
    made = made_for_user(home, install.instruction.line, context.facts)
    # (one stage keeps the image whose bundler ran the install: only a split runtime lacks one)
    bundler = None if context.single_stage else _needs_bundler(installs, context)
    if made is None and bundler is None:
        return
    # (into this GEM_HOME, which the runtime has on its GEM_HOME and PATH, also when the stage set only BUNDLE_PATH)
    own = "" if context.facts.env.get("GEM_HOME") == home else f"GEM_HOME={home} "
    run = f"RUN {own}gem install bundler --no-document" if bundler is not None else ""
    plan.builder_inserts.append(BuilderInsert(install.instruction.line, run, made=made.made if made else ""))
    if made is not None:
        plan.note("MIG515", install.line, f"gems install into {home} (the stage's GEM_HOME), which the Chainguard "
                  f"-dev image does not have and only root may make there: made as root and given to "
                  f"{user_in_force(context.facts.stage, install.instruction.line)}, who runs the install")
    if bundler is not None:
        plan.note("MIG515", install.line, f"bundler is installed into {home}, which the runtime copies: the ruby "
                  f"runtime image has no bundler, and {bundler}; it comes from rubygems.org, so this build needs "
                  "network access")


def _needs_bundler(installs: list[Command], context: EcosystemContext) -> str | None:
    """Why the runtime needs a bundler of its own in GEM_HOME: a `bundle install`, no `gem install bundler` of the
    stage, and a start command that loads Bundler (or one stage: the -dev image's bundler is then outside it);
    None when it does not."""
    installs_bundler = any(c.words[0] == "gem" and "bundler" in c.words[2:] for c in installs)
    if not any(c.words[0] == "bundle" for c in installs) or installs_bundler:
        return None
    if context.single_stage:
        return "the stage runs `bundle`"
    return _bundler_at_start(context, gemfile_app=True)


def _bundler_at_start(context: EcosystemContext, gemfile_app: bool) -> str | None:
    """Why the start command needs Bundler: it runs `bundle`, or a Ruby file it starts loads Bundler (`require
    "bundler/setup"`, Rails' bin/rails through config/boot.rb); for a Gemfile app (`gemfile_app`), also when the
    build context cannot say (installing it costs one gem; a missing one stops the app at start)."""
    from migrator.plan.ecosystems.ruby_bundler import bundler_use

    if _starts_bundler(context):
        return "the command runs `bundle`"
    use = bundler_use(context, _start_argv(context), gemfile_app)
    return use.why if use is not None else None


def _start_argv(context: EcosystemContext) -> list[str]:
    """The words of the stage's ENTRYPOINT and CMD, as written."""
    words: list[str] = []
    for instruction in (context.facts.entrypoint, context.facts.cmd):
        if instruction is not None:
            words += instruction.json_args() or instruction.body.split()
    return words


def _source_sets_app_config(context: EcosystemContext) -> bool:
    """Did the source image set BUNDLE_APP_CONFIG (Docker Hub's ruby: rules, upstream `env`)?"""
    ref = context.facts.stage.chain()[0].ref
    return ref is not None and any(name == "BUNDLE_APP_CONFIG"
                                   for name, _ in context.rules.upstream_defaults(ref.short_name, ref.tag).env)


def _starts_bundler(context: EcosystemContext) -> bool:
    """Does the start command run `bundle`: as its program, or in the command line a shell is given
    (`sh -c "bundle exec rails db:migrate && bundle exec rails s"`)?"""
    from migrator.plan.startcommand import is_shell_c

    for instruction in (context.facts.entrypoint, context.facts.cmd):
        if instruction is not None:
            words = instruction.json_args() or instruction.body.split()
            if any(word == "bundle" or word.endswith("/bundle") for word in words[:2]):
                return True
            if is_shell_c(words) and _runs_bundle(words[2]):
                return True
    return False


def _runs_bundle(command_line: str) -> bool:
    from migrator.plan.facts import strip_env_prefix
    from migrator.rewrite.shell_syntax import simple_commands
    from migrator.rewrite.wrappers import wrapper_words

    try:
        commands = simple_commands(command_line)
    except ValueError:
        return False
    for command in commands:
        words = strip_env_prefix(command.words[wrapper_words(command.words):])
        if words and (words[0] == "bundle" or words[0].endswith("/bundle")):
            return True
    return False


ECOSYSTEM = Ruby()
