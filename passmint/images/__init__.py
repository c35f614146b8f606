"""Images: URLs of template and pass images turned into stored PNGs, once each, safely."""
