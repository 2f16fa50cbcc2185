import sqlite3


def stock(db: sqlite3.Connection, items: dict[str, int]) -> int:
    db.execute("create table stock (name text primary key, count integer)")
    db.executemany("insert into stock values (?, ?)", items.items())
    return db.execute("select sum(count) from stock").fetchone()[0]
