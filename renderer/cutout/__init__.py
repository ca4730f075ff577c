"""The presenter cutout: rembg background removal with the bundled model (``models/``), faces,
masks, the cache and framing."""
