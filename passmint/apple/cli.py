"""Command-line tools for Apple passes: ``certs dev`` and ``pkpass build`` (Typer sub-apps)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from passmint.apple.devcerts import make_dev_certificates
from passmint.apple.errors import CertificateError, PassValidationError
from passmint.apple.pkpass import PASS_JSON, build_pkpass
from passmint.apple.signing import PassSigner

EXIT_INVALID = 2
KEY_MODE = 0o600
PUBLIC_MODE = 0o644

MESSAGES = {
    "device_warning": (
        "These certificates are for development only. Passes signed with them open in tests and "
        "tools, but Wallet on a real iPhone or Apple Watch rejects them: devices check the signature "
        "against Apple's real WWDR chain. Sign with your Pass Type ID certificate from Apple's "
        "developer portal for devices."
    ),
    "exists": "{path} already exists; pass --force to overwrite it.",
    "written": "Development certificates written to {out}",
    "no_pass_json": "{path} has no pass.json.",
    "bad_pass_json": "{path} is not valid JSON: {error}",
    "not_object": "{path} must hold a JSON object.",
    "invalid": "The pass is not valid ({count} problem(s)):",
    "certificate": "Certificate problem: {error}",
    "skipped": "Skipped hidden files: {names}",
    "built": "Wrote {out} ({size} bytes, {count} files, signed for {type_id})",
}

certs_app = typer.Typer(help="Signing certificates for Apple passes.", no_args_is_help=True)
pkpass_app = typer.Typer(help="Apple .pkpass files.", no_args_is_help=True)


@certs_app.callback()
def _certs() -> None:
    """Signing certificates for Apple passes."""


@pkpass_app.callback()
def _pkpass() -> None:
    """Apple .pkpass files."""


@certs_app.command("dev")
def dev(
    out: Annotated[Path, typer.Option(help="Folder to write ca.pem, wwdr.pem, pass.pem and pass.key into.")],
    pass_type_id: Annotated[str, typer.Option(help="Pass type identifier.")] = "pass.dev.passmint",
    team_id: Annotated[str, typer.Option(help="Team identifier (the certificate's OU).")] = "DEVTEAM001",
    organization: Annotated[str, typer.Option(help="Organization name.")] = "passmint development",
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Make development certificates laid out like Apple's (NOT installable on devices)."""
    console = Console()
    try:
        certs = make_dev_certificates(pass_type_id, team_id, organization)
    except CertificateError as exc:
        _fail(console, exc.message)
    files = {
        "ca.pem": (certs.ca, PUBLIC_MODE, "development root CA (use as the trust anchor in tests)"),
        "wwdr.pem": (certs.wwdr, PUBLIC_MODE, "intermediate playing Apple WWDR's part"),
        "pass.pem": (certs.pass_cert, PUBLIC_MODE, f"Pass Type ID certificate for {pass_type_id}"),
        "pass.key": (certs.pass_key, KEY_MODE, "its private key (PKCS#8, unencrypted)"),
    }
    existing = [out / name for name in files if (out / name).exists()]
    if existing and not force:
        _fail(console, MESSAGES["exists"].format(path=existing[0]))
    out.mkdir(parents=True, exist_ok=True)
    table = Table("File", "Mode", "What")
    for name, (data, mode, what) in files.items():
        _write(out / name, data, mode)
        table.add_row(str(out / name), oct(mode)[2:], what)
    console.print(Text(MESSAGES["written"].format(out=out), style="bold"))
    console.print(table)
    console.print(Panel(MESSAGES["device_warning"], title="NOT FOR DEVICES", border_style="yellow"))


@pkpass_app.command("build")
def build(
    model_dir: Annotated[
        Path, typer.Argument(help="Folder with pass.json, images and xx.lproj folders.", file_okay=False)
    ],
    cert: Annotated[Path, typer.Option(help="Pass Type ID certificate (PEM).", dir_okay=False)],
    key: Annotated[Path, typer.Option(help="Its private key (PEM).", dir_okay=False)],
    out: Annotated[Path, typer.Option(help="The .pkpass file to write.", dir_okay=False)],
    wwdr: Annotated[
        Path | None, typer.Option(help="WWDR certificate (PEM); Apple's G4 when left out.", dir_okay=False)
    ] = None,
    key_password: Annotated[str | None, typer.Option(help="Password of the private key.")] = None,
) -> None:
    """Validate, sign and zip the pass described by MODEL_DIR."""
    console = Console()
    pass_json, files, skipped = _read_model(console, model_dir)
    if skipped:
        console.print(Text(MESSAGES["skipped"].format(names=", ".join(skipped)), style="dim"))
    try:
        signer = PassSigner.from_pem(
            cert.read_bytes(),
            key.read_bytes(),
            wwdr.read_bytes() if wwdr else None,
            key_password.encode() if key_password is not None else None,
        )
        data = build_pkpass(pass_json, files, signer)
    except CertificateError as exc:
        _fail(console, MESSAGES["certificate"].format(error=exc.message))
    except PassValidationError as exc:
        _print_problems(console, exc)
        raise typer.Exit(EXIT_INVALID) from None
    out.write_bytes(data)
    count = len(files) + 3
    summary = MESSAGES["built"].format(
        out=out, size=len(data), count=count, type_id=signer.pass_type_identifier
    )
    console.print(Text(summary, style="green"))


def _read_model(console: Console, model_dir: Path) -> tuple[dict[str, object], dict[str, bytes], list[str]]:
    """pass.json as JSON, every other file by its path inside the folder, and the hidden files skipped."""
    path = model_dir / PASS_JSON
    if not path.is_file():
        _fail(console, MESSAGES["no_pass_json"].format(path=model_dir))
    try:
        pass_json = json.loads(path.read_bytes())
    except ValueError as exc:
        _fail(console, MESSAGES["bad_pass_json"].format(path=path, error=exc))
    if not isinstance(pass_json, dict):
        _fail(console, MESSAGES["not_object"].format(path=path))
    files: dict[str, bytes] = {}
    skipped: list[str] = []
    for item in sorted(model_dir.rglob("*")):
        name = item.relative_to(model_dir).as_posix()
        if not item.is_file() or name == PASS_JSON:
            continue
        if any(part.startswith(".") for part in item.relative_to(model_dir).parts):
            skipped.append(name)
        else:
            files[name] = item.read_bytes()
    return pass_json, files, skipped


def _print_problems(console: Console, error: PassValidationError) -> None:
    console.print(Text(MESSAGES["invalid"].format(count=len(error.problems)), style="bold red"))
    for problem in error.problems:
        line = Text("  ")
        line.append(problem["field"], style="bold")
        line.append(": " + problem["message"])
        console.print(line, soft_wrap=True)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write a file created with ``mode`` from the start (no window where a key is world-readable)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), mode)
        handle.write(data)


def _fail(console: Console, message: str) -> NoReturn:
    console.print(Text(message, style="bold red"), soft_wrap=True)
    raise typer.Exit(EXIT_INVALID)


__all__ = ["certs_app", "pkpass_app"]
