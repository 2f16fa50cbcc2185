import argparse
import json
import os
import platform
import sqlite3

from inventory.store import stock


def main() -> None:
    parser = argparse.ArgumentParser(prog="inventory")
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()
    db = sqlite3.connect(":memory:")
    total = stock(db, {"apples": 3, "pears": 4})
    print(json.dumps({"arch": platform.machine(), "uid": os.getuid(), "greeting": "hello from a python module",
                      "total": total if args.summary else None}))


if __name__ == "__main__":
    main()
