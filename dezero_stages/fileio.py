"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import pathlib
import tempfile


def write_atomic(path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    The temporary file lives in the same folder, so the final os.replace is a rename; on any
    error it is removed and the old file is left as it was.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
