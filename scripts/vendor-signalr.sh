#!/usr/bin/env bash
# Refreshes the browser client of ASP.NET Core SignalR kept in src/Tandem/wwwroot/lib/signalr/ (ADR 47) from npm, at the
# version named below. The file is kept in the repository so that `dotnet run` and `dotnet publish` need no npm.
set -euo pipefail
version=10.0.0
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@microsoft/signalr@$version" >/dev/null && tar xzf microsoft-signalr-$version.tgz)
target=src/Tandem/wwwroot/lib/signalr
mkdir -p "$target"
# Without the source-map comment: the map is not shipped.
sed 's|//# sourceMappingURL=signalr.min.js.map||' "$work/package/dist/browser/signalr.min.js" > "$target/signalr.min.js"
cp "$work/package/LICENSE" "$target/LICENSE" 2>/dev/null || true
echo "@microsoft/signalr $version" > "$target/VERSION"
echo "src/Tandem/wwwroot/lib/signalr: @microsoft/signalr $version"
