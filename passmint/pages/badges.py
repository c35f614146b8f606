"""The marks of the two wallet buttons, drawn after the platforms' published badges.

Apple's "Add to Apple Wallet" badge (Add to Apple Wallet Guidelines, developer.apple.com/wallet/
add-to-apple-wallet-guidelines/): black, a thin grey outline, rounded corners, the Wallet app's card-stack
mark on the left, "Add to" above "Apple Wallet" in white. Google's "Add to Google Wallet" button (Google
Wallet brand guidelines, developers.google.com/wallet/generic/resources/brand-guidelines): a dark pill,
the Google Wallet mark, "Add to Google Wallet" in white. Both marks are simplified drawings made here (no
artwork copied); the stylesheet gives the shapes and colours."""

from __future__ import annotations

from markupsafe import Markup

APPLE_MARK = Markup(
    '<svg width="30" height="30" viewBox="0 0 30 30" aria-hidden="true" focusable="false">'
    '<rect width="30" height="30" rx="7" fill="#1c1c1e"/>'
    '<rect x="4" y="6" width="22" height="9" rx="2" fill="#2f9bf0"/>'
    '<rect x="4" y="9" width="22" height="9" rx="2" fill="#34c759"/>'
    '<rect x="4" y="12" width="22" height="9" rx="2" fill="#ff9f0a"/>'
    '<rect x="4" y="15" width="22" height="9" rx="2" fill="#ff3b30"/>'
    '<path d="M4 18h7c1 2.2 2.4 3.2 4 3.2s3-1 4-3.2h7v6a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2z" fill="#d1d1d6"/>'
    "</svg>"
)
GOOGLE_MARK = Markup(
    '<svg width="28" height="24" viewBox="0 0 28 24" aria-hidden="true" focusable="false">'
    '<rect x="2" y="0" width="24" height="10" rx="3" fill="#34a853"/>'
    '<rect x="2" y="4" width="24" height="10" rx="3" fill="#fbbc04"/>'
    '<rect x="2" y="8" width="24" height="10" rx="3" fill="#ea4335"/>'
    '<path d="M2 14a3 3 0 0 1 3-3h4l5 4 5-4h4a3 3 0 0 1 3 3v7a3 3 0 0 1-3 3H5a3 3 0 0 1-3-3z"'
    ' fill="#4285f4"/>'
    "</svg>"
)
