#!/bin/bash
# Yunbang's local stand-in for Kaniko's executor (Kaniko is not in Debian). It takes the flags
# Yunbang's build pods give Kaniko and builds the way Kaniko does, with no privilege beyond a root
# container's defaults: no namespace, no mount. Debian's buildah keeps the images (vfs storage:
# a layer is a directory), pulls the base images from the node's registry and pushes the result;
# RUN steps run in the image's directory under Debian's proot (ptrace, not chroot), with the
# container's own /proc, /dev and /sys (and statx answered ENOSYS: no-statx.pl). Dockerfile support: FROM [AS], RUN, COPY/ADD (local,
# --from, --chown), ENV, ARG, WORKDIR, USER, LABEL, EXPOSE, CMD, ENTRYPOINT; no layer cache.
set -euo pipefail

context=. dockerfile=Dockerfile digest_file= retries=0
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
    --cache=*|--cache-repo=*|--cache-ttl=*|--snapshot-mode=*|--compressed-caching=*) ;; # no layer cache here
    *) echo "kaniko (local stand-in): unknown flag $arg" >&2; exit 2 ;;
  esac
done
[ "${#destinations[@]}" -gt 0 ] || { echo "kaniko (local stand-in): no --destination" >&2; exit 2; }
case "$dockerfile" in /*) ;; *) dockerfile="$context/$dockerfile" ;; esac

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

declare -A stages=() args=()
ctr= workdir=/ user= n=0
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

# Instructions one per line: continuations joined, comments and blank lines dropped.
mapfile -t lines < <(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$dockerfile" | sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d')
for line in "${lines[@]}"; do
  op="${line%%[[:space:]]*}"; op="${op^^}"; rest="${line#*[[:space:]]}"; rest="${rest#"${rest%%[![:space:]]*}"}"
  n=$((n + 1)); echo "STEP $n: $line"
  # As Kaniko's parser: only ARG may come before the first FROM (the same words as the simulated node's).
  if [ -z "$ctr" ] && [ "$op" != FROM ] && [ "$op" != ARG ]; then
    echo "error building image: parsing dockerfile: the first instruction must be FROM" >&2; exit 1
  fi
  case "$op" in
    ARG)
      name="${rest%%=*}"; value=""; [[ "$rest" == *=* ]] && value="${rest#*=}"
      args["$name"]="${build_args[$name]:-$value}" ;;
    FROM)
      read -r image _as name <<< "$(expand "$rest")"
      if [ -n "${stages[$image]:-}" ]; then base="${stages[$image]}"; else base="$image"; fi
      if [ -n "${stages[$image]:-}" ]; then ctr=$(buildah from "$(buildah commit --quiet "$base")"); else ctr=$(buildah from --quiet --tls-verify=false "$base"); fi
      stages["${name:-stage$n}"]="$ctr"
      workdir=$(buildah inspect --type container --format '{{.OCIv1.Config.WorkingDir}}' "$ctr"); workdir="${workdir:-/}"
      user= ;;
    RUN) run_step "$(expand "$rest")" ;;
    COPY|ADD)
      from=() chown=() words=()
      read -r -a words <<< "$(expand "$rest")"
      while [[ "${words[0]}" == --* ]]; do
        case "${words[0]}" in
          --from=*) f="${words[0]#--from=}"; from=(--from "${stages[$f]:-$f}") ;;
          --chown=*) chown=(--chown "${words[0]#--chown=}") ;;
        esac
        words=("${words[@]:1}")
      done
      dest="${words[-1]}"; unset 'words[-1]'
      [[ "$dest" == /* ]] || dest="$workdir/$dest"
      ignore=(); [ -z "${from[*]}" ] && [ -f "$context/.dockerignore" ] && ignore=(--ignorefile "$context/.dockerignore")
      (cd "$context" && buildah copy --quiet "${from[@]}" "${chown[@]}" "${ignore[@]}" "$ctr" "${words[@]}" "$dest" >/dev/null) ;;
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
