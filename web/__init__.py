"""The web layer: one blueprint per area, each thin (request -> domain -> render)."""
