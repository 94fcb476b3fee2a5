"""Our own phone detector: SSDLite-MobileNetV2 fine-tuned on phone-use images (see docs/MODELS.md)."""
