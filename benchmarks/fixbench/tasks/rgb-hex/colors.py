"""Colour conversions for the theme editor."""


def rgb_to_hex(r, g, b):
    for channel in (r, g, b):
        if not 0 <= channel < 255:
            raise ValueError(f"channel out of range: {channel}")
    return "#{:02x}{:02x}{:02x}".format(r, b, g)


def hex_to_rgb(code):
    code = code.lstrip("#")
    return tuple(int(code[i:i + 2], 16) for i in (0, 2, 4))
