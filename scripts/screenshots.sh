#!/usr/bin/env bash
# Takes the screenshots in README.md and docs/user-guide.md again: runs the first-hour browser journey
# (tests/Tandem.Browser.Tests/FirstHourJourneyTests.cs) on SQLite and copies the pictures it keeps to docs/screenshots/.
# Needs what ./test.sh installs (Chromium at /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Tandem.Browser.Tests -c Debug -nologo -clp:ErrorsOnly -v:q
shots=tests/Tandem.Browser.Tests/bin/Debug/net10.0/screenshots
rm -f "$shots"/first-hour-*.png
TANDEM_TEST_PROVIDER=sqlite dotnet test tests/Tandem.Browser.Tests --no-build -nologo -v:q \
  --filter "FullyQualifiedName~FirstHourJourneyTests"
mkdir -p docs/screenshots
for file in "$shots"/first-hour-[0-9]*.png; do
  cp "$file" "docs/screenshots/$(basename "$file")"
done
ls -1 docs/screenshots/first-hour-*.png
