"""ONNX exports in a worker process (issue 19): torch.export/dynamo keep global state (torch.fx
registries, dynamo caches) that concurrent summaries in the server's process tripped over, and
an export holds the weights several times over. A separate process with its own memory limit
keeps both away from the server; the file goes to disk and is streamed from there."""

from backend.exports.service import (
    PROTOBUF_LIMIT_BYTES,
    ExportFile,
    ExportJob,
    ExportPool,
    check_export_size,
    estimated_onnx_bytes,
)

__all__ = [
    "PROTOBUF_LIMIT_BYTES",
    "ExportFile",
    "ExportJob",
    "ExportPool",
    "check_export_size",
    "estimated_onnx_bytes",
]
