"""One comment per pull request: find the bot's earlier comment by its marker and update it.

A comment is ours when it opens with the marker AND its author is the account the token posts as
(`Thread.author`): anyone can write a comment that starts with the (invisible) marker, and the bot
must neither delete its own report because of it nor write the report into someone else's comment.

A created-then-failed POST (a 502 or a timeout after the server stored the comment) must not lead
to a second comment, so after a transient failure the thread is listed again and the marker looked
for before posting again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from migrator.records import dataclass
from migrator.report.bot.http import ApiError


class Thread(Protocol):
    """The comments of one pull request / merge request."""

    def comments(self) -> Iterable[tuple[int, str, str | None]]:
        """(id, body, author) of every comment, oldest first, all pages."""
        ...

    def author(self) -> str | None:
        """The account our comments are written by; None when it cannot be known."""
        ...

    def create(self, body: str) -> int: ...

    def update(self, comment_id: int, body: str) -> None: ...

    def delete(self, comment_id: int) -> None: ...


@dataclass(frozen=True)
class Outcome:
    action: str  # "created" | "updated" | "unchanged" | "deleted" | "nothing"
    comment_id: int | None = None


def is_ours(body: str, marker: str) -> bool:
    # The marker must open the body: a human quoting our comment does not make theirs ours.
    return body.lstrip().startswith(marker)


def find_own(thread: Thread, marker: str, author: str | None) -> list[tuple[int, str]]:
    """Our comments: the marker opens the body and we wrote it (no author known: none is ours)."""
    if author is None:
        return []
    return [(cid, body) for cid, body, by in thread.comments()
            if by is not None and by.lower() == author.lower() and is_ours(body or "", marker)]


def upsert(
    thread: Thread,
    marker: str,
    body: str,
    *,
    clean: bool = False,
    delete_when_clean: bool = False,
    attempts: int = 3,
    log: Callable[[str], None] = lambda message: None,
    pause: Callable[[float], None] | None = None,
    delay: float = 1.0,
    settle: float = 0.0,
) -> Outcome:
    """Make the thread hold exactly one comment with ``marker`` and ``body`` (or none when clean
    and ``delete_when_clean``). ``clean`` with no earlier comment posts nothing.

    After a transient failure of the POST the thread is listed again (after ``delay * attempt``
    seconds, or ``settle`` seconds when the request timed out: the server may still be working on
    it) and only posted to again when the marker is not found. A comment created by a retry is
    followed by one more look, removing any twin a late first request left behind; a twin that
    appears even later is removed by the next run, which keeps the oldest."""
    if not is_ours(body, marker):
        raise ValueError("the body must start with the marker")
    author = thread.author()
    if author is None:
        log("cannot tell which comments this token wrote (pass --bot-user): posting a new comment")
    own = find_own(thread, marker, author)
    for cid, _ in own[1:]:  # left over from an older version or a race: keep the oldest
        log(f"deleting duplicate bot comment {cid}")
        thread.delete(cid)
    if clean and not own:
        return Outcome("nothing")
    if clean and delete_when_clean:
        thread.delete(own[0][0])
        return Outcome("deleted", own[0][0])
    if own:
        cid, old = own[0]
        if old == body:
            return Outcome("unchanged", cid)
        thread.update(cid, body)
        return Outcome("updated", cid)
    last: ApiError | None = None
    for attempt in range(1, attempts + 1):
        try:
            cid = thread.create(body)
        except ApiError as exc:
            if not exc.transient:
                raise
            last = exc
            log(f"posting the comment failed ({exc}); looking again before retrying (try {attempt})")
            if pause is not None:  # give the server a moment to show a comment it did store
                pause(max(delay * attempt, settle) if exc.status is None else delay * attempt)
        else:
            if attempt > 1:
                own = find_own(thread, marker, author)
                for extra, _ in own:
                    if extra != own[0][0]:
                        log(f"deleting duplicate bot comment {extra}")
                        thread.delete(extra)
                if own and own[0][0] != cid:
                    if own[0][1] != body:
                        thread.update(own[0][0], body)
                    cid = own[0][0]
            return Outcome("created", cid)
        own = find_own(thread, marker, author)
        if own:
            cid, old = own[0]
            for extra, _ in own[1:]:
                thread.delete(extra)
            if old != body:
                thread.update(cid, body)
            return Outcome("created", cid)
    assert last is not None
    raise last
