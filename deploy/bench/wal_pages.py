#!/usr/bin/env python3
"""Which table or index each page appended to a SQLite WAL belongs to.

    deploy/bench/wal_pages.py COPY.sqlite [WORK]

COPY.sqlite and COPY.sqlite-wal are a database and its WAL as `studiobench --only counters` copies them with
STUDIOBENCH_WAL_COPY=<folder> (checkpoints held off, so the WAL holds every page written since the measure began).
Prints frames per b-tree (and per WORK unit, e.g. per submission), most first. Pages are named by SQLite's dbstat
table of the database as the WAL leaves it."""
import os, shutil, sqlite3, struct, sys, tempfile
from collections import Counter

path = sys.argv[1]
work = int(sys.argv[2]) if len(sys.argv) > 2 else 1
with open(path + "-wal", "rb") as f:
    wal = f.read()
page_size = struct.unpack(">I", wal[8:12])[0]
frames = []
commits = 0
offset = 32
while offset + 24 + page_size <= len(wal):
    page, size_after_commit = struct.unpack(">II", wal[offset:offset + 8])
    frames.append(page)
    commits += size_after_commit != 0
    offset += 24 + page_size
# Read through a scratch copy: opening the file makes SQLite rebuild the -shm and may checkpoint on close.
scratch = tempfile.mkdtemp()
copy = os.path.join(scratch, "db.sqlite")
shutil.copy(path, copy)
shutil.copy(path + "-wal", copy + "-wal")
db = sqlite3.connect(copy)
owner = {pageno: name for name, pageno in db.execute("SELECT name, pageno FROM dbstat")}
db.close()
shutil.rmtree(scratch)
counts = Counter(owner.get(p, "(free or header)" if p != 1 else "(page 1: schema/header)") for p in frames)
print(f"{len(frames)} frames of {page_size} bytes in {commits} commits, {len(set(frames))} distinct pages; per unit of work ({work}): {len(frames) / work:.2f}")
for name, n in counts.most_common():
    print(f"  {n / work:8.3f}  {n:7d}  {name}")
