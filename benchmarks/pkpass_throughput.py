"""Pass build throughput against raw RSA-2048 signing speed, printed as one JSON object."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import cryptography
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from passmint.apple import PassSigner, build_pkpass, make_dev_certificates
from passmint.apple.devcerts import DevCertificates
from passmint.apple.pkpass import manifest_json

PASS_TYPE_ID = "pass.dev.passmint.bench"
TEAM_ID = "DEVTEAM001"
# (width, height, share of noisy pixels): @3x icon (~2.5 KB), @3x logo (~10 KB), @2x coupon strip (~45 KB).
PEERS = Path(__file__).resolve().parent / "peers"
IMAGES = {"icon.png": (87, 87, 0.03), "logo.png": (480, 150, 0.01), "strip.png": (750, 246, 0.02)}


def make_png(width: int, height: int, noise: float, seed: int) -> bytes:
    """An RGB PNG: a colour gradient with sparse noise, so it compresses like a real picture."""
    rng = random.Random(seed)
    row_size = width * 3
    gradient = bytes((x * 255 // max(row_size - 1, 1)) for x in range(row_size))
    flip = bytes(1 if value < noise * 256 else 0 for value in range(256))
    rows = []
    for _ in range(height):
        jitter = rng.randbytes(row_size).translate(flip)
        mixed = int.from_bytes(gradient, "big") ^ int.from_bytes(jitter, "big")
        rows.append(b"\x00" + mixed.to_bytes(row_size, "big"))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def typical_pass(serial: int) -> dict[str, object]:
    """A store card with ten fields and a QR barcode."""
    fields = [
        {"key": f"field{n}", "label": f"Label {n}", "value": f"Value {n} for {serial}"} for n in range(10)
    ]
    return {
        "formatVersion": 1,
        "passTypeIdentifier": PASS_TYPE_ID,
        "teamIdentifier": TEAM_ID,
        "serialNumber": f"SN-{serial:08d}",
        "organizationName": "passmint benchmark",
        "description": "Benchmark loyalty card",
        "backgroundColor": "rgb(20, 40, 80)",
        "foregroundColor": "rgb(255, 255, 255)",
        "barcodes": [
            {"format": "PKBarcodeFormatQR", "message": f"member-{serial}", "messageEncoding": "iso-8859-1"}
        ],
        "storeCard": {
            "headerFields": fields[:1],
            "primaryFields": fields[1:2],
            "secondaryFields": fields[2:4],
            "auxiliaryFields": fields[4:6],
            "backFields": fields[6:],
        },
    }


def time_builds(serials: range, signer: PassSigner, files: dict[str, bytes]) -> float:
    """Seconds to build one pass per serial (the pass.json dicts are made before the clock starts)."""
    documents = [typical_pass(serial) for serial in serials]
    start = time.process_time()
    for document in documents:
        build_pkpass(document, files, signer)
    return time.process_time() - start


def time_raw_signs(count: int, key: rsa.RSAPrivateKey, manifest: bytes) -> float:
    """The RSA-2048 operation alone: PKCS#1 v1.5 with SHA-256 over a manifest-sized message."""
    algorithm, scheme = hashes.SHA256(), padding.PKCS1v15()
    start = time.process_time()
    for _ in range(count):
        key.sign(manifest, scheme, algorithm)
    return time.process_time() - start


def raw_sign_ms(count: int) -> float:
    """CPU ms of one raw RSA-2048 signature in this process (a new key, a manifest-sized message)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    manifest = b'{"icon.png":"%s","pass.json":"%s"}' % (b"0" * 40, b"1" * 40)
    return round(time_raw_signs(count, key, manifest) * 1000 / count, 3)


def measure(
    n: int, rounds: int, signer: PassSigner, key: rsa.RSAPrivateKey, files: dict[str, bytes]
) -> tuple[float, float]:
    """Passes and raw signatures per second, measured in alternating rounds so both see the same machine."""
    manifest = manifest_json({**files, "pass.json": json.dumps(typical_pass(0)).encode()})
    build_seconds = sign_seconds = 0.0
    chunk = max(1, n // rounds)
    for first in range(0, n, chunk):
        serials = range(first, min(first + chunk, n))
        build_seconds += time_builds(serials, signer, files)
        sign_seconds += time_raw_signs(len(serials), key, manifest)
    return n / build_seconds, n / sign_seconds


def peer_passkit_generator(
    n: int, certs: DevCertificates, files: dict[str, bytes], passes_per_s: float
) -> dict[str, object]:
    """passkit-generator (Node) building the same n passes with the same images and certificate.

    Runs ``benchmarks/peers/passkit_generator.mjs`` when Node and the package are installed there
    (``npm ci`` in benchmarks/peers); otherwise says why in the result.
    """
    result: dict[str, object] = {"name": "passkit-generator"}
    node = shutil.which("node")
    if node is None or not (PEERS / "node_modules" / "passkit-generator").is_dir():
        missing = "node" if node is None else "benchmarks/peers/node_modules (run npm ci there)"
        return {**result, "installed": False, "reason": f"{missing} not found"}
    with tempfile.TemporaryDirectory(prefix="passmint-peer-") as folder:
        directory = Path(folder)
        material = {"pass.pem": certs.pass_cert, "pass.key": certs.pass_key, "wwdr.pem": certs.wwdr, **files}
        for name, data in material.items():
            (directory / name).write_bytes(data)
        lines = (json.dumps(typical_pass(serial)) for serial in range(n))
        (directory / "passes.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [node, str(PEERS / "passkit_generator.mjs"), folder]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=PEERS)
        if done.returncode != 0:
            return {**result, "installed": True, "error": done.stderr.strip()[-500:]}
        figures = json.loads(done.stdout)
        with zipfile.ZipFile(directory / "sample.pkpass") as sample:
            complete = {"pass.json", "manifest.json", "signature", "icon.png"} <= set(sample.namelist())
    peer_per_s = figures["passes"] / figures["cpu_seconds"]
    return {
        **result,
        "installed": True,
        "version": figures["version"],
        "node": figures["node"],
        "complete_pkpass": complete,
        "passes_per_s": round(peer_per_s, 1),
        "wall_passes_per_s": round(figures["passes"] / figures["wall_seconds"], 1),
        "passmint_ratio": round(passes_per_s / peer_per_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="passes to build (and raw signatures to make)")
    parser.add_argument("--rounds", type=int, default=10, help="alternating build/sign rounds")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary to stderr")
    parser.add_argument("--peer", action="store_true", help="also build the passes with passkit-generator")
    args = parser.parse_args()

    certs = make_dev_certificates(PASS_TYPE_ID, TEAM_ID)
    signer = PassSigner.from_pem(certs.pass_cert, certs.pass_key, certs.wwdr)
    key = serialization.load_pem_private_key(certs.pass_key, None)
    assert isinstance(key, rsa.RSAPrivateKey)
    files = {name: make_png(w, h, noise, seed) for seed, (name, (w, h, noise)) in enumerate(IMAGES.items())}
    build_pkpass(typical_pass(0), files, signer)  # warm up
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    passes_per_s, sign_per_s = measure(args.n, args.rounds, signer, key, files)
    if profiler:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue(), file=sys.stderr)
    result = {
        "passes": args.n,
        "passes_per_s": round(passes_per_s, 1),
        "sign_per_s": round(sign_per_s, 1),
        "ratio": round(passes_per_s / sign_per_s, 3),
        "python": platform.python_version(),
        "cryptography": cryptography.__version__,
    }
    if args.peer:
        result["peer"] = peer_passkit_generator(args.n, certs, files, passes_per_s)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
