#!/usr/bin/env bash
# Renders a ConvNet HTML report in headless Chromium and fails when the page does not show as
# it should: a console message (a script error, a resource the page's policy refused), an
# <img> that did not decode, or a resource that failed to load. On success it writes a PNG
# screenshot of the whole page (as wide as a laptop screen) and prints what it checked.
#
#   scripts/report-in-browser.sh REPORT.html SCREENSHOT.png [--install] [--height PX] [--scale F]
#
# --height PX: only the top PX CSS pixels of the page; --scale F: device scale factor (0.5 for a
# half-size picture, as docs/images/report.png was made).
#
# Needs `chromium` (Debian: apt-get install chromium) and a CJK font so that Chinese class names
# draw as glyphs, not empty boxes (Debian: fonts-wqy-microhei). With --install, running as root
# with apt-get, missing packages are installed. As root Chromium runs with --no-sandbox.
#
# How images are checked: a copy of the page gets a small inline checker script (the page's
# Content-Security-Policy is widened by exactly `script-src 'unsafe-inline'` for it; images stay
# restricted to data: URIs). After the page has loaded, the checker marks every <img> that is not
# complete or has no natural width, and records load errors and policy violations as attributes
# on <html>; Chromium's --dump-dom prints the DOM, which this script reads.
set -euo pipefail

usage() { echo "usage: $0 REPORT.html SCREENSHOT.png [--install] [--height PX] [--scale F]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
report=$1
screenshot=$2
shift 2
install=""
crop_height=""
scale=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --install) install=--install; shift ;;
    --height) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage; crop_height=$2; shift 2 ;;
    --scale) [[ $# -ge 2 && $2 =~ ^[0-9]*\.?[0-9]+$ ]] || usage; scale=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ -f "$report" ]] || { echo "error: $report: no such file" >&2; exit 2; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# grep reads all of fc-list (no -q): stopping early would kill fc-list with SIGPIPE, which pipefail
# turns into a failed pipeline even though the font is there.
fc-list 2>/dev/null | grep -iE "WenQuanYi|Noto Sans CJK|Source Han Sans" > /dev/null || missing+=(fonts-wqy-microhei)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$install" == "--install" && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: missing ${missing[*]} (Debian: apt-get install ${missing[*]}, or run this script as root with --install)" >&2
    exit 2
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
[[ $(id -u) -eq 0 ]] && flags+=(--no-sandbox)

checker='<script>
(function () {
  var problems = [];
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.tagName) {
      problems.push("failed to load <" + target.tagName.toLowerCase() + "> " + (target.currentSrc || target.src || target.href || "").slice(0, 80));
    } else {
      problems.push("script error: " + event.message);
    }
  }, true);
  document.addEventListener("securitypolicyviolation", function (event) {
    problems.push("refused by the page policy: " + event.blockedURI + " (" + event.violatedDirective + ")");
  });
  window.addEventListener("load", function () {
    var images = document.images, broken = 0;
    for (var i = 0; i < images.length; i++) {
      if (!images[i].complete || images[i].naturalWidth === 0) {
        broken++;
        images[i].setAttribute("data-broken", "1");
        problems.push("image did not decode: " + (images[i].alt || ("#" + i)));
      }
    }
    var root = document.documentElement;
    root.setAttribute("data-images", String(images.length));
    root.setAttribute("data-broken-images", String(broken));
    root.setAttribute("data-problems", problems.join(" | "));
    root.setAttribute("data-height", String(Math.ceil(root.scrollHeight)));
    root.setAttribute("data-checked", "yes");
  });
})();
</script>'

# The instrumented copy: the checker first in <head>, the policy allowing inline script.
python3 - "$report" "$work/checked.html" "$checker" <<'PY'
import sys
source, target, checker = sys.argv[1], sys.argv[2], sys.argv[3]
html = open(source, encoding="utf-8").read()
policy = 'http-equiv="Content-Security-Policy" content="'
at = html.find(policy)
if at >= 0:
    end = html.index('"', at + len(policy))
    html = html[:end] + "; script-src 'unsafe-inline'" + html[end:]
head = html.find("<head>")
if head < 0:
    sys.exit("error: %s has no <head>" % source)
html = html[:head + 6] + checker + html[head + 6:]
open(target, "w", encoding="utf-8").write(html)
PY

chromium "${flags[@]}" --virtual-time-budget=10000 --window-size=1366,900 --dump-dom "file://$work/checked.html" \
  >"$work/dom.html" 2>"$work/console.log" || { cat "$work/console.log" >&2; echo "error: chromium failed" >&2; exit 1; }

attribute() { grep -o "$1=\"[^\"]*\"" "$work/dom.html" | head -1 | sed "s/^$1=\"//; s/\"$//"; }
failed=0
if [[ "$(attribute data-checked)" != "yes" ]]; then
  echo "FAIL: the checker did not run (page did not finish loading?)" >&2
  failed=1
fi
if grep -E "CONSOLE|Uncaught" "$work/console.log" >&2; then
  echo "FAIL: the page wrote to the browser console (above)" >&2
  failed=1
fi
images=$(attribute data-images)
broken=$(attribute data-broken-images)
problems=$(attribute data-problems)
if [[ -n "$problems" ]]; then
  echo "FAIL: $problems" >&2
  failed=1
fi
if [[ "${broken:-0}" != "0" ]]; then
  echo "FAIL: $broken of $images images did not decode" >&2
  failed=1
fi
[[ $failed -eq 0 ]] || exit 1

# The screenshot of the page as a user opens it (no checker), the whole height up to 16,000 px.
height=${crop_height:-$(attribute data-height)}
height=$(( height > 16000 ? 16000 : (height < 600 ? 600 : height) ))
chromium "${flags[@]}" --virtual-time-budget=10000 --window-size=1366,"$height" --force-device-scale-factor="$scale" \
  --screenshot="$work/shot.png" "file://$(realpath "$report")" >/dev/null 2>"$work/screenshot.log" \
  || { cat "$work/screenshot.log" >&2; echo "error: chromium could not take the screenshot" >&2; exit 1; }
[[ -s "$work/shot.png" ]] || { echo "error: chromium wrote no screenshot" >&2; exit 1; }
mv "$work/shot.png" "$screenshot"
echo "ok: $images images decoded, no console messages, no load errors; screenshot 1366×$height → $screenshot"
