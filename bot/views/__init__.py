"""One module per screen: its callback data, keyboards and text renderers together."""
