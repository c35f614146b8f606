"""Google save links: JWTs minted per second on one core (the object built from a template and pass, then
signed RS256), beside raw RSA-2048 signing, printed as one JSON object."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from passmint.google import make_development_account, savelinks
from passmint.google.objects import google_object, object_type
from passmint.google.sources import ClassSource, Design, ObjectSource

BASE = "https://passes.example.com"
LOGO = f"{BASE}/images/{'a' * 64}.png"


def template() -> ClassSource:
    """A loyalty template like the reference's example (L2209): points, account, text and link modules."""
    fields = {
        "Program Name": {"fieldType": "titleModule", "label": "Program Name", "value": "Members"},
        "Points": {"fieldType": "pointsModule", "label": "Points", "value": 1234, "col": 0},
        "Member": {"fieldType": "acctModule", "label": "Member", "value": "A. Person", "order": 1},
        "Details": {"fieldType": "textModulesData", "header": "Program Details", "body": "Earn points"},
        "Website": {"fieldType": "linksModuleData", "description": "Website", "uri": "https://example.com"},
    }
    headers = {"barcode_type": {"value": "qr"}, "background_color": {"value": "rgb(0, 150, 225)"}}
    design = Design(headers, fields, {"titleModule": {"image": LOGO}})
    return ClassSource("3388000000000000000.t1", "loyalty", "Bench", "Loyalty", design, {}, LOGO)


def mint(account: object, source: ClassSource, serial: int) -> str:
    fields = {**source.design.fields, "Points": {**source.design.fields["Points"], "value": serial}}
    headers = {**source.design.headers, "barcode_value": {"value": f"member-{serial}"}}
    design = Design(headers, fields, source.design.options)
    pass_ = ObjectSource(f"3388000000000000000.p{serial}", source, design, {})
    return savelinks.save_jwt(account, [(object_type(source), google_object(pass_))])  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long each measurement runs")
    options = parser.parse_args()
    account = make_development_account()
    source = template()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < options.seconds:
        token = mint(account, source, count)
        count += 1
    signs, sign_started = 0, time.perf_counter()
    while (sign_elapsed := time.perf_counter() - sign_started) < options.seconds:
        account.private_key.sign(b"x" * 1024, padding.PKCS1v15(), hashes.SHA256())
        signs += 1
    figures = {
        "jwts_per_second_per_core": round(count / elapsed, 1),
        "rsa2048_signatures_per_second": round(signs / sign_elapsed, 1),
        "share_of_signing": round((count / elapsed) / (signs / sign_elapsed), 3),
        "jwt_characters": len(token),
        "fits_save_link": savelinks.fits(token),
        "python": platform.python_version(),
    }
    json.dump(figures, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
