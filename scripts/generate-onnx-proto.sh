#!/usr/bin/env bash
# Regenerates Sources/XSONNX/Generated/onnx.pb.swift (committed, so builds need no protoc).
# The schema is onnx/onnx.proto of the `onnx` Python package (ONNX, Apache-2.0), version 1.23.2 here;
# the plugin is swift-protobuf 1.39.0's protoc-gen-swift, matching the runtime in Package.swift.
#   apt-get install protobuf-compiler; pip install onnx==1.23.2
#   git clone <swift-protobuf> && cd swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
set -euo pipefail
PLUGIN=${PLUGIN:-/tmp/swiftpb/src/.build/release/protoc-gen-swift}
SCHEMA_DIR=$(python3 -c "import onnx, os; print(os.path.dirname(onnx.__file__))")
cd "$SCHEMA_DIR"
protoc --plugin=protoc-gen-swift="$PLUGIN" --swift_out="$OLDPWD/Sources/XSONNX/Generated" --swift_opt=Visibility=Public onnx.proto
