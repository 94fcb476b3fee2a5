"""HTTP and WebSocket API. Knows nothing of models: it calls the Pipeline."""
