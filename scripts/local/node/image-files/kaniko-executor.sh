#!/bin/bash
# Yunbang's local stand-in for Kaniko's executor (Kaniko is not in Debian). It takes the flags
# Yunbang's build pods give Kaniko and builds the way Kaniko does, with no privilege beyond a root
# container's defaults: no namespace, no mount. Debian's buildah keeps the images (vfs storage:
# a layer is a directory), pulls the base images from the node's registry and pushes the result;
# RUN steps run in the image's directory under Debian's proot (ptrace, not chroot), with the
# container's own /proc, /dev and /sys (and statx answered ENOSYS: no-statx.pl). Dockerfile support: FROM [AS], RUN, COPY/ADD (local,
# --from, --chown), ENV, ARG, WORKDIR, USER, LABEL, EXPOSE, CMD, ENTRYPOINT.
# The layer cache is Kaniko's: with --cache=true each RUN step's result is an image in
# --cache-repo, tagged with a key of everything that led to it (the base image's digest, every
# instruction before it, the content of what was copied), and a later build with the same key
# takes that layer instead of running the step again.
set -euo pipefail

context=. dockerfile=Dockerfile digest_file= retries=0 cache=false cache_repo= cache_ttl=$((336 * 3600))
# Go's duration syntax as Kaniko takes it (168h, 1h30m, 90s).
ttl_seconds() {
  local d="$1" total=0
  while [[ "$d" =~ ^([0-9]+)([hms])(.*)$ ]]; do
    case "${BASH_REMATCH[2]}" in h) total=$((total + BASH_REMATCH[1] * 3600)) ;; m) total=$((total + BASH_REMATCH[1] * 60)) ;; s) total=$((total + BASH_REMATCH[1])) ;; esac
    d="${BASH_REMATCH[3]}"
  done
  [ -z "$d" ] || { echo "kaniko (local stand-in): --cache-ttl=$1 is not a duration such as 168h" >&2; return 2; }
  echo "$total"
}
destinations=() labels=()
declare -A build_args=()
for arg in "$@"; do
  case "$arg" in
    --context=dir://*) context="${arg#--context=dir://}" ;;
    --context=*) context="${arg#--context=}" ;;
    --dockerfile=*) dockerfile="${arg#--dockerfile=}" ;;
    --destination=*) destinations+=("${arg#--destination=}") ;;
    --digest-file=*) digest_file="${arg#--digest-file=}" ;;
    --label=*) labels+=("${arg#--label=}") ;;
    --build-arg=*) kv="${arg#--build-arg=}"; build_args["${kv%%=*}"]="${kv#*=}" ;;
    --push-retry=*) retries="${arg#--push-retry=}" ;;
    --cache=*) cache="${arg#--cache=}" ;;
    --cache-repo=*) cache_repo="${arg#--cache-repo=}" ;;
    --cache-ttl=*) cache_ttl=$(ttl_seconds "${arg#--cache-ttl=}") || exit 2 ;;
    --snapshot-mode=*|--compressed-caching=*) ;; # how Kaniko snapshots a step; here buildah's commit does
    *) echo "kaniko (local stand-in): unknown flag $arg" >&2; exit 2 ;;
  esac
done
[ "${#destinations[@]}" -gt 0 ] || { echo "kaniko (local stand-in): no --destination" >&2; exit 2; }
case "$dockerfile" in /*) ;; *) dockerfile="$context/$dockerfile" ;; esac
# As Kaniko: without --cache-repo the cache lives beside the first destination.
if [ "$cache" = true ] && [ -z "$cache_repo" ]; then
  d="${destinations[0]%@*}"; [[ "${d##*/}" != *:* ]] || d="${d%:*}"; cache_repo="$d/cache"
fi

# The node is this pod's gateway: its registry serves every image under its usual name.
gw=$(awk '$2 == "00000000" { print $3; exit }' /proc/net/route)
node_ip=$(printf '%d.%d.%d.%d' "0x${gw:6:2}" "0x${gw:4:2}" "0x${gw:2:2}" "0x${gw:0:2}")
registry="$node_ip:5000"
# RUN steps fetch dependencies through the node's egress proxy (the package registries the machine
# uses, nothing else), and npm from the registry the machine's npm is configured with.
proxy="http://$node_ip:3128"
registries=$( (exec 3<>"/dev/tcp/$node_ip/3128" && printf 'GET /yunbang/registries HTTP/1.0\r\n\r\n' >&3 && sed '1,/^\r$/d' <&3) 2>/dev/null || echo '{}')
npm_registry=$(printf '%s' "$registries" | jq -r '.npm // empty' 2>/dev/null || true)
# The certificate authorities the machine trusts on its way to those registries, for the RUN steps.
ca_file=/kaniko/machine-ca.pem
(exec 3<>"/dev/tcp/$node_ip/3128" && printf 'GET /yunbang/ca HTTP/1.0\r\n\r\n' >&3 && sed '1,/^\r$/d' <&3) > "$ca_file" 2>/dev/null || true
grep -q 'BEGIN CERTIFICATE' "$ca_file" 2>/dev/null || ca_file=""

mkdir -p /etc/containers
{
  echo 'unqualified-search-registries = ["docker.io"]'
  for prefix in docker.io ghcr.io quay.io gcr.io registry.k8s.io mcr.microsoft.com registry.example; do
    printf '[[registry]]\nprefix = "%s"\nlocation = "%s"\ninsecure = true\n' "$prefix" "$registry"
  done
  printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$registry"
} > /etc/containers/registries.conf
# Without CAP_SYS_ADMIN buildah would re-run itself in a user namespace, which the pod's seccomp
# profile refuses; it is told it already did (and then needs no namespace with vfs storage).
export STORAGE_DRIVER=vfs _CONTAINERS_ROOTLESS_UID=1 BUILDAH_ISOLATION=chroot
echo "kaniko (local stand-in: Debian's buildah $(buildah --version | awk '{print $3}') and proot): building $context with $dockerfile"

declare -A stages=() stage_keys=() args=()
ctr= stage= key= workdir=/ user= n=0
expand() { # $VAR and ${VAR} from ARG values and the build's --build-args
  local s="$1" k
  for k in "${!args[@]}"; do s="${s//\$\{$k\}/${args[$k]}}"; s="${s//\$$k/${args[$k]}}"; done
  printf '%s' "$s"
}
json_or_shell() { # an exec-form JSON array as is, a shell form wrapped in sh -c
  if [[ "$1" == \[* ]]; then printf '%s' "$1"; else jq -cn --arg c "$1" '["/bin/sh","-c",$c]'; fi
}
run_step() {
  local root env=() cmd
  root=$(buildah mount "$ctr")
  mapfile -t env < <(buildah inspect --type container --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$ctr" | sed '/^$/d')
  for k in "${!args[@]}"; do env+=("$k=${args[$k]}"); done
  env+=("HTTP_PROXY=$proxy" "HTTPS_PROXY=$proxy" "http_proxy=$proxy" "https_proxy=$proxy" "NO_PROXY=localhost,127.0.0.1,$node_ip" "no_proxy=localhost,127.0.0.1,$node_ip")
  [ -z "$npm_registry" ] || env+=("NPM_CONFIG_REGISTRY=$npm_registry")
  local binds=()
  if [ -n "$ca_file" ]; then
    binds=(-b "$ca_file:/etc/ssl/yunbang-machine-ca.pem")
    env+=("NODE_EXTRA_CA_CERTS=/etc/ssl/yunbang-machine-ca.pem" "SSL_CERT_FILE=/etc/ssl/yunbang-machine-ca.pem" "PIP_CERT=/etc/ssl/yunbang-machine-ca.pem" "REQUESTS_CA_BUNDLE=/etc/ssl/yunbang-machine-ca.pem")
  fi
  mkdir -p "$root$workdir"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  mapfile -t cmd < <(json_or_shell "$1" | jq -r '.[]')
  # proot does not translate statx: no-statx makes programs fall back to calls it does translate.
  /kaniko/no-statx proot -r "$root" -b /proc -b /dev -b /sys "${binds[@]}" -w "$workdir" /usr/bin/env -i "${env[@]}" "${cmd[@]}"
}

# The cache key: a hash over the chain of what made the image so far.
chain() { key=$(printf '%s\n%s' "$key" "$1" | sha256sum | cut -c1-64); }
# What COPY/ADD take from the context: names and contents (a change to either is a new key).
context_hash() {
  (cd "$context" && shopt -s nullglob dotglob && for w in "$@"; do for f in $w; do find "$f" -type f -print0; done; done | sort -z | xargs -0r sha256sum | sha256sum | cut -c1-64)
}
# The cache as Kaniko lays it out: per RUN step, an image in --cache-repo tagged with the step's
# key and holding one layer, what the step changed. Read and written over the registry's HTTP API
# with curl (a buildah commit and a new container per step cost 20 s each on vfs storage; this
# costs what the step changed). The stand-in reads only layers it wrote itself.
cache_host="${cache_repo%%/*}" cache_path="${cache_repo#*/}"
reg() { curl -fsS --retry 2 "$@"; }
from_cache() { # $1: the step, as shown
  local manifest config layer created root tmp p d
  echo "INFO Checking for cached layer $cache_repo:$key..."
  if ! manifest=$(reg -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$cache_host/v2/$cache_path/manifests/$key" 2>/dev/null); then
    echo "INFO No cached layer found for cmd $1"; return 1
  fi
  config=$(jq -r .config.digest <<< "$manifest"); layer=$(jq -r '.layers[0].digest' <<< "$manifest")
  # (Called as a condition, where set -e does not hold: each failure is checked.)
  created=$(reg "http://$cache_host/v2/$cache_path/blobs/$config" | jq -r .created) && created=$(date -d "$created" +%s) || { echo "WARN the cached layer's config could not be read: the step runs"; return 1; }
  if [ $(($(date +%s) - created)) -gt "$cache_ttl" ]; then echo "INFO Cached layer $cache_repo:$key is older than --cache-ttl: not used"; return 1; fi
  root=$(buildah mount "$ctr"); tmp=$(mktemp)
  reg -o "$tmp" "http://$cache_host/v2/$cache_path/blobs/$layer" && gzip -t "$tmp" || { rm -f "$tmp"; echo "WARN the cached layer could not be fetched: the step runs"; return 1; }
  # The layer's whiteouts delete what the step deleted, then its files land.
  while IFS= read -r -d '' p; do
    d="${p%/*}"; rm -rf "${root:?}/$d/${p##*/.wh.}"
  done < <(gzip -dc "$tmp" | tar -t | grep '/\.wh\.[^/]*$' | tr '\n' '\0')
  gzip -dc "$tmp" | tar -x --numeric-owner --exclude='.wh.*' -C "$root" || { echo "error building image: the cached layer $key could not be applied" >&2; exit 1; }
  rm -f "$tmp"
  echo "INFO Using caching version of cmd: $1"
}
# Before a step runs: the paths there are, and the moment (a file the step writes has a newer
# ctime, whatever mtime it was given: npm's packages say 1985).
snapshot() { # $1: a directory for the snapshot
  (cd "$(buildah mount "$ctr")" && find . -xdev -print0 | sort -z) > "$1/before"; touch "$1/marker"
}
push_blob() { # $1: a file; prints its digest
  local digest loc
  digest="sha256:$(sha256sum "$1" | cut -c1-64)"
  if ! reg -o /dev/null -I "http://$cache_host/v2/$cache_path/blobs/$digest" 2>/dev/null; then
    loc=$(reg -X POST -D - -o /dev/null "http://$cache_host/v2/$cache_path/blobs/uploads/" | tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
    case "$loc" in http*) ;; *) loc="http://$cache_host$loc" ;; esac
    case "$loc" in *\?*) loc="$loc&" ;; *) loc="$loc?" ;; esac
    reg -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" "${loc}digest=$digest"
  fi
  printf '%s' "$digest"
}
# After a step ran: what it created, changed or deleted, as one layer, pushed as the step's image.
to_cache() { # $1: the snapshot's directory, $2: the step, as shown
  local root="$(buildah mount "$ctr")" s="$1" p layer config
  (cd "$root" && find . -xdev -mindepth 1 -cnewer "$s/marker" -print0 | sort -z) > "$s/changed"
  (cd "$root" && find . -xdev -print0 | sort -z) > "$s/after"
  mkdir -p "$s/wh"; : > "$s/whiteouts"
  while IFS= read -r -d '' p; do
    mkdir -p "$s/wh/${p%/*}"; : > "$s/wh/${p%/*}/.wh.${p##*/}"; printf '%s\0' "${p%/*}/.wh.${p##*/}" >> "$s/whiteouts"
  done < <(comm -z -23 "$s/before" "$s/after")
  tar -C "$root" --numeric-owner --no-recursion --null -cf "$s/layer.tar" -T "$s/changed"
  tar -C "$s/wh" --numeric-owner --no-recursion --null -rf "$s/layer.tar" -T "$s/whiteouts"
  jq -cn --arg created "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg diff "sha256:$(sha256sum "$s/layer.tar" | cut -c1-64)" --arg step "$2" \
    '{created: $created, architecture: "amd64", os: "linux", rootfs: {type: "layers", diff_ids: [$diff]}, history: [{created: $created, created_by: $step}]}' > "$s/config.json"
  gzip -1 "$s/layer.tar"
  echo "INFO Pushing layer $cache_repo:$key to cache now"
  if layer=$(push_blob "$s/layer.tar.gz") && config=$(push_blob "$s/config.json"); then
    jq -cn --arg config "$config" --argjson csize "$(stat -c %s "$s/config.json")" --arg layer "$layer" --argjson lsize "$(stat -c %s "$s/layer.tar.gz")" \
      '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $csize},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $layer, size: $lsize}]}' > "$s/manifest.json"
    reg -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$s/manifest.json" "http://$cache_host/v2/$cache_path/manifests/$key" && return
  fi
  echo "WARN the cached layer $cache_repo:$key was not pushed: the build goes on without it"
}

# Instructions one per line: continuations joined, comments and blank lines dropped.
mapfile -t lines < <(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$dockerfile" | sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d')
for line in "${lines[@]}"; do
  op="${line%%[[:space:]]*}"; op="${op^^}"; rest="${line#*[[:space:]]}"; rest="${rest#"${rest%%[![:space:]]*}"}"
  n=$((n + 1)); echo "STEP $n: $line"
  # As Kaniko's parser: only ARG may come before the first FROM (the same words as the simulated node's).
  if [ -z "$ctr" ] && [ "$op" != FROM ] && [ "$op" != ARG ]; then
    echo "error building image: parsing dockerfile: the first instruction must be FROM" >&2; exit 1
  fi
  # What changes the image's config is part of the key of every step after it.
  case "$op" in ENV|WORKDIR|USER|LABEL|EXPOSE|CMD|ENTRYPOINT) chain "$op $(expand "$rest")" ;; esac
  case "$op" in
    ARG)
      name="${rest%%=*}"; value=""; [[ "$rest" == *=* ]] && value="${rest#*=}"
      args["$name"]="${build_args[$name]:-$value}"; chain "ARG $name=${args[$name]}" ;;
    FROM)
      read -r image _as name <<< "$(expand "$rest")"
      if [ -n "${stages[$image]:-}" ]; then base="${stages[$image]}"; else base="$image"; fi
      if [ -n "${stages[$image]:-}" ]; then
        ctr=$(buildah from "$(buildah commit --quiet "$base")"); key="${stage_keys[$image]}"
      else
        ctr=$(buildah from --quiet --tls-verify=false "$base")
        key=""; chain "FROM $(buildah inspect --type container --format '{{.FromImageDigest}}' "$ctr")"
      fi
      stage="${name:-stage$n}"; stages["$stage"]="$ctr"
      workdir=$(buildah inspect --type container --format '{{.OCIv1.Config.WorkingDir}}' "$ctr"); workdir="${workdir:-/}"
      user= ;;
    RUN)
      cmd="$(expand "$rest")"; chain "RUN $cmd"
      if [ "$cache" != true ]; then run_step "$cmd"
      elif ! from_cache "RUN $cmd"; then
        snap=$(mktemp -d); snapshot "$snap"; run_step "$cmd"; to_cache "$snap" "RUN $cmd"; rm -rf "$snap"
      fi ;;
    COPY|ADD)
      from=() from_key= chown=() words=()
      read -r -a words <<< "$(expand "$rest")"
      while [[ "${words[0]}" == --* ]]; do
        case "${words[0]}" in
          --from=*) f="${words[0]#--from=}"; from=(--from "${stages[$f]:-$f}"); from_key="${stage_keys[$f]:-$f}" ;;
          --chown=*) chown=(--chown "${words[0]#--chown=}") ;;
        esac
        words=("${words[@]:1}")
      done
      dest="${words[-1]}"; unset 'words[-1]'
      if [ -n "${from[*]}" ]; then chain "$op ${words[*]} $dest from $from_key"
      else chain "$op ${words[*]} $dest $(context_hash "${words[@]}")"; fi
      [[ "$dest" == /* ]] || dest="$workdir/$dest"
      # From the context, with its .dockerignore: buildah then wants the sources as absolute paths.
      ignore=() srcs=("${words[@]}")
      if [ -z "${from[*]}" ] && [ -f "$context/.dockerignore" ]; then
        ignore=(--contextdir "$context" --ignorefile "$context/.dockerignore"); srcs=("${words[@]/#/$context/}")
      fi
      (cd "$context" && buildah copy --quiet "${from[@]}" "${chown[@]}" "${ignore[@]}" "$ctr" "${srcs[@]}" "$dest" >/dev/null) ;;
    ENV)
      if [[ "$rest" == *=* ]]; then
        eval "pairs=($rest)" # KEY=value pairs, quoted as in a shell
        for p in "${pairs[@]}"; do buildah config --env "$p" "$ctr"; done
      else buildah config --env "${rest%%[[:space:]]*}=${rest#*[[:space:]]}" "$ctr"; fi ;;
    WORKDIR) workdir="$(expand "$rest")"; [[ "$workdir" == /* ]] || workdir="/$workdir"; buildah config --workingdir "$workdir" "$ctr"; mkdir -p "$(buildah mount "$ctr")$workdir" ;;
    USER) user="$(expand "$rest")"; buildah config --user "$user" "$ctr" ;;
    LABEL) eval "pairs=($rest)"; for p in "${pairs[@]}"; do buildah config --label "$p" "$ctr"; done ;;
    EXPOSE) for p in $rest; do buildah config --port "$p" "$ctr"; done ;;
    CMD) buildah config --cmd "$(json_or_shell "$rest")" "$ctr" ;;
    ENTRYPOINT) buildah config --entrypoint "$(json_or_shell "$rest")" "$ctr" ;;
    *) echo "kaniko (local stand-in): $op is not supported here" >&2; exit 1 ;;
  esac
  [ -z "$stage" ] || stage_keys["$stage"]=$key
done
for l in "${labels[@]}"; do buildah config --label "$l" "$ctr"; done
image=$(buildah commit --quiet "$ctr" "${destinations[0]}")
echo "kaniko (local stand-in): pushing ${destinations[*]}"
for dest in "${destinations[@]}"; do
  for attempt in $(seq 0 "$retries"); do
    if buildah push --quiet --tls-verify=false ${digest_file:+--digestfile "$digest_file"} "$image" "docker://$dest"; then break; fi
    [ "$attempt" -lt "$retries" ] || exit 1
    sleep 1
  done
done
echo "kaniko (local stand-in): pushed ${destinations[*]}"
