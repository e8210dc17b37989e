"""A small code repository for the GitHub reader, as a folder and as a tarball.

`code/repos/python__stdlib-sample/`   a few pure-Python modules of the running interpreter's standard
                                      library, a README, and a LICENSE: the PSF license stack (SPDX id
                                      Python-2.0) as the installed `spdx` package ships it, which is
                                      the license the standard library is distributed under;
`code/python__stdlib-sample.tar.gz`   the same tree as GitHub serves it: one top folder, deterministic
                                      (sorted members, fixed times and owners, gzip without a timestamp).
The `owner__name` file names make the reader call the repository `python/stdlib-sample`, so both
forms give the same document ids.
"""

from __future__ import annotations

import gzip
import io
import re
import sysconfig
import tarfile
from pathlib import Path

from pajama.licenses.refs import spdx_data_dir

REPO = "python__stdlib-sample"
MODULES = ("colorsys.py", "textwrap.py", "bisect.py", "shlex.py", "fnmatch.py")
README = """# stdlib-sample

A few modules of the Python standard library, copied from the interpreter that built this sample,
to demonstrate how pajama reads a source code repository.

## License

Python Software Foundation License (PSF-2.0); see LICENSE.
"""


def _license_text() -> str:
    """The Python-2.0 reference text with its template markup resolved to the original wording."""
    template = (spdx_data_dir() / "Python-2.0.txt").read_text(encoding="utf-8")
    text = re.sub(r"<<var;name=[^;]*;original=(.*?);match=.*?>>", lambda m: m.group(1), template, flags=re.S)
    return re.sub(r"<<beginOptional[^>]*>>|<<endOptional>>", "", text).strip() + "\n"


def _files() -> dict[str, bytes]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = {f"stdlib_sample/{name}": (stdlib / name).read_bytes() for name in MODULES}
    files["stdlib_sample/__init__.py"] = b'"""Standard library modules, copied as a sample repository."""\n'
    files["README.md"] = README.encode()
    files["LICENSE"] = _license_text().encode()
    return dict(sorted(files.items()))


def _tarball(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        folders = sorted({str(Path(REPO, p).parent) for p in files} | {REPO})
        for folder in folders:
            info = tarfile.TarInfo(folder + "/")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tf.addfile(info)
        for path, data in files.items():
            info = tarfile.TarInfo(f"{REPO}/{path}")
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tf.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)


def build(out: Path) -> None:
    files = _files()
    root = out / "code"
    folder = root / "repos" / REPO
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (root / f"{REPO}.tar.gz").write_bytes(_tarball(files))
