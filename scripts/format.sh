#!/usr/bin/env bash
# Formats the Swift sources with the checked-in configuration (.swift-format: 2-space indent,
# 110 columns, existing line breaks respected). swift-format ships with the Swift toolchain.
#   scripts/format.sh          rewrite the files in place
#   scripts/format.sh --check  list what it would change, exit 1 if anything
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Examples Package.swift)
if [[ "${1:-}" == "--check" ]]; then
  swift-format lint -r --parallel --strict "${paths[@]}"
else
  swift-format format -i -r --parallel "${paths[@]}"
fi
