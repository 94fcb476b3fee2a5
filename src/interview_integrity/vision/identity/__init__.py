"""Who is in front of the camera: a 128-d face embedding per sampled frame (dlib's face recognition ResNet)."""
