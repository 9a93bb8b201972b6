"""One module per screen: its CallbackData classes, keyboards and text renderers together."""
