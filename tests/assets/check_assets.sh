#!/usr/bin/env bash
# Offline checks of the platform repo assets (infra/, charts/, cluster/) with real
# helm and kubectl. No cluster and no network: remote charts are never pulled.
#
#   tests/assets/check_assets.sh PLATFORMCTL_BINARY
#
# Run from the repository root (CTest does; the script also cd's there itself).
# For every shipped profile (profiles/*.env except local.env and secrets*.env) it
# asks `PLATFORMCTL -C . config values --profile P` for the state values
# (docs/state-values.md); when that fails it falls back to
# tests/assets/sample-state-values.yaml and says so. With each distinct values
# document it then checks:
#   1. charts/*: `helm lint --strict` and `helm template` pass;
#   2. infra/: the helmfile and every infra/values/*.gotmpl render through helm's
#      template engine (helmfile's is the same Go template + sprig; `requiredEnv`
#      is shimmed), produce valid YAML, and keep their invariants under provider
#      and feature variants (W12, W18, W19, W20, W21, secrets only when installed);
#   3. provider matrix (seed 97, without helmfile): for nginx|traefik x minio|ceph x
#      FEAT_MINIO true|false, the releases the rendered helmfile installs equal the
#      releases `platformctl plan -o json` syncs (needs python3 to read the JSON);
# and once: `kubectl kustomize` of every cluster/ directory with a
# kustomization.yaml, plus static invariants (repositories: section, no `env`
# lookups in infra/, installed: reads only .Values.installed, pinned versions
# equal in helmfile and Flux, no inline secrets or domains in cluster/).
# Ends with the line "N passed, M failed"; exits 1 when anything failed.
set -uo pipefail

kRepoRoot="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${kRepoRoot}" || exit 2

PLATFORMCTL="${1:-}"
if [[ -z "${PLATFORMCTL}" ]]; then
  echo "usage: $0 PLATFORMCTL_BINARY" >&2
  exit 2
fi

kSample="tests/assets/sample-state-values.yaml"
kReleases=(platform-namespaces cilium cert-manager platform-issuers ingress-nginx oauth2-proxy
  clickstack otel-k8s-daemonset otel-k8s-cluster minio hello-web)
kInstalledKeys=(platformNamespaces cilium certManager platformIssuers ingressNginx oauth2Proxy
  clickstack otelK8sDaemonset otelK8sCluster minio helloWeb)

passed=0
failed=0

note() { echo "check_assets: $*"; }

pass() {
  passed=$((passed + 1))
  [[ -n "${VERBOSE:-}" ]] && echo "ok   $1"
  return 0
}

fail() {  # fail DESCRIPTION [DETAILS]
  failed=$((failed + 1))
  echo "FAIL $1"
  if [[ -n "${2:-}" ]]; then
    printf '%s\n' "$2" | sed -n '1,60p' | sed 's/^/     | /'
  fi
  return 0
}

# check DESCRIPTION CMD...: runs CMD, counts it, shows the command and its output on failure.
check() {
  local desc="$1"
  shift
  local out
  if out="$("$@" 2>&1)"; then
    pass "${desc}"
  else
    fail "${desc}" "command: $*"$'\n'"${out}"
  fi
}

# ---- tools -------------------------------------------------------------------

find_tool() {  # find_tool NAME VERSION-ARGS...: real tool from PATH, else .tools/bin
  local name="$1"
  shift
  local candidate
  for candidate in "$(command -v "${name}" 2>/dev/null)" "${kRepoRoot}/.tools/bin/${name}"; do
    [[ -n "${candidate}" && -x "${candidate}" ]] || continue
    if "${candidate}" "$@" >/dev/null 2>&1 </dev/null; then
      echo "${candidate}"
      return 0
    fi
  done
  return 1
}

HELM="$(find_tool helm version --short)" || {
  echo "check_assets: real helm not found on PATH or in .tools/bin (run scripts/install-deps.sh)" >&2
  echo "0 passed, 1 failed"
  exit 1
}
KUBECTL="$(find_tool kubectl version --client)" || {
  echo "check_assets: real kubectl not found on PATH or in .tools/bin (run scripts/install-deps.sh)" >&2
  echo "0 passed, 1 failed"
  exit 1
}
note "helm $("${HELM}" version --short 2>/dev/null) (${HELM}); kubectl $("${KUBECTL}" version --client 2>/dev/null | head -n 1 | sed 's/^Client Version: //') (${KUBECTL})"

tmp="$(mktemp -d)"
if [[ -n "${CHECK_ASSETS_KEEP:-}" ]]; then
  note "keeping renders in ${tmp} (CHECK_ASSETS_KEEP)"
else
  trap 'rm -rf "${tmp}"' EXIT
fi
# helm must not depend on (or write to) the user's helm configuration.
export HELM_CACHE_HOME="${tmp}/helm/cache" HELM_CONFIG_HOME="${tmp}/helm/config" HELM_DATA_HOME="${tmp}/helm/data"

# ---- state values per shipped profile ------------------------------------------

profiles=()
for f in profiles/*.env; do
  [[ -e "${f}" ]] || continue
  base="$(basename "${f}")"
  case "${base}" in
    local.env | secrets*.env | *.local.env) continue ;;
  esac
  profiles+=("${f}")
done

declare -A values_label=()  # values file -> profiles using it
values_files=()
add_values() {  # add_values FILE LABEL: keeps one copy per distinct document
  local file="$1" label="$2" existing
  for existing in "${values_files[@]}"; do
    if cmp -s "${existing}" "${file}"; then
      case ", ${values_label[${existing}]}, " in
        *", ${label}, "*) ;;
        *) values_label["${existing}"]+=", ${label}" ;;
      esac
      return 0
    fi
  done
  values_files+=("${file}")
  values_label["${file}"]="${label}"
}

fallback_noted=0
if ((${#profiles[@]} == 0)); then
  note "no shipped profiles under profiles/; using ${kSample}"
  add_values "${kSample}" "sample"
fi
for profile in "${profiles[@]}"; do
  name="$(basename "${profile}" .env)"
  out="${tmp}/state-values-${name}.yaml"
  rc=0
  "${PLATFORMCTL}" -C . config values --profile "${profile}" >"${out}" 2>"${tmp}/err-${name}" </dev/null || rc=$?
  if ((rc == 0)) && [[ -s "${out}" ]]; then
    add_values "${out}" "${name}"
  else
    if ((fallback_noted == 0)); then
      note "NOTE: '${PLATFORMCTL} -C . config values --profile ${profile}' failed (exit ${rc}$(head -n 1 "${tmp}/err-${name}" 2>/dev/null | sed 's/^/: /')); using ${kSample} instead (command not implemented yet?)"
      fallback_noted=1
    fi
    add_values "${kSample}" "sample-state-values"
  fi
done

# ---- infra/ render harness --------------------------------------------------------
# helmfile templates are Go templates with sprig, like helm's. To check them
# without helmfile, each infra template becomes a named template of a throw-away
# chart; `requiredEnv "X"` is rewritten to a shim that yields a dummy when the
# secrets are "available" and fails otherwise, so a template that reads a secret
# for a release that is not installed is caught. `helm template` then parses every
# rendered document as YAML.

infra_files=(infra/helmfile.yaml.gotmpl infra/environments/* infra/values/*)
harness="${tmp}/infra-harness"
mkdir -p "${harness}/templates"
printf 'apiVersion: v2\nname: infra-harness\nversion: 0.1.0\n' >"${harness}/Chart.yaml"
cat >"${harness}/templates/_shim.tpl" <<'EOF'
{{- define "check-assets.requiredEnv" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- if ((($root.Values).checkAssets).secretsAvailable) -}}
dummy-secret-{{ $name | lower }}
{{- else -}}
{{- fail (printf "requiredEnv %q evaluated for a release that is not installed (guard it with .Values.installed.*)" $name) -}}
{{- end -}}
{{- end -}}
EOF
for f in "${infra_files[@]}"; do
  [[ -f "${f}" ]] || continue
  id="$(echo "${f}" | tr '/.' '__')"
  {
    printf '{{- define "%s" -}}\n' "${f}"
    sed -E 's/requiredEnv[[:space:]]+("[A-Za-z_][A-Za-z0-9_]*")/include "check-assets.requiredEnv" (list $ \1)/g' "${f}"
    printf '\n{{- end -}}\n'
  } >"${harness}/templates/_${id}.tpl"
  printf '{{ include "%s" . }}\n' "${f}" >"${harness}/templates/${id}.yaml"
done

# render_infra OUTDIR [helm args...]: renders every infra template; the result
# for infra/x/y.z is OUTDIR/infra_x_y_z.yaml.
render_infra() {
  local outdir="$1"
  shift
  rm -rf "${outdir}.raw" "${outdir}"
  mkdir -p "${outdir}"
  "${HELM}" template check "${harness}" "$@" --output-dir "${outdir}.raw" >/dev/null || return 1
  local f
  for f in "${outdir}.raw"/infra-harness/templates/*.yaml; do
    [[ -e "${f}" ]] && mv "${f}" "${outdir}/$(basename "${f}")"
  done
  return 0
}

# expect_absent DESC FILE REGEX / expect_present DESC FILE REGEX (grep -E)
expect_absent() {
  if [[ ! -f "$2" ]]; then
    fail "$1" "missing rendered file $2"
  elif grep -nE -e "$3" "$2" >"${tmp}/grep.out" 2>&1; then
    fail "$1" "unexpected /$3/ in $2:"$'\n'"$(cat "${tmp}/grep.out")"
  else
    pass "$1"
  fi
}
expect_present() {
  if [[ ! -f "$2" ]]; then
    fail "$1" "missing rendered file $2"
  elif grep -qE -e "$3" "$2"; then
    pass "$1"
  else
    fail "$1" "expected /$3/ in $2; it holds:"$'\n'"$(sed -n '1,40p' "$2")"
  fi
}

# Probe chart: prints placeholders for apply-time inputs that a values document
# leaves empty (a values file layered after the state values).
probe="${tmp}/probe"
mkdir -p "${probe}/templates"
printf 'apiVersion: v2\nname: probe\nversion: 0.1.0\n' >"${probe}/Chart.yaml"
cat >"${probe}/templates/fill.yaml" <<'EOF'
{{- if empty ((.Values.letsencrypt).email) }}
letsencrypt:
  email: platform-ci@example.invalid  # placeholder: letsencrypt.email
{{- end }}
{{- if empty ((.Values.oauth).emailDomains) }}
oauth:
  emailDomains: [example.invalid]  # placeholder: oauth.emailDomains
{{- end }}
EOF

installed_all_false=()
for key in "${kInstalledKeys[@]}"; do installed_all_false+=(--set "installed.${key}=false"); done

# ---- per values document -------------------------------------------------------------

n=0
for values in "${values_files[@]}"; do
  n=$((n + 1))
  label="${values_label[${values}]}"
  note "state values #${n}: ${label}"
  vdir="${tmp}/v${n}"
  mkdir -p "${vdir}"

  # Inputs that platformctl requires only before apply and that shipped profiles
  # leave to the git-ignored profiles/secrets.env (ACME_EMAIL, OAUTH_EMAIL_DOMAINS)
  # are filled with placeholders; that an empty one fails clearly is checked too.
  fill="${vdir}/apply-inputs.yaml"
  if ! "${HELM}" template probe "${probe}" -f "${values}" >"${fill}" 2>"${vdir}/probe.err"; then
    fail "[${label}] state values parse" "$(cat "${vdir}/probe.err")"
    continue
  fi
  if grep -q 'placeholder' "${fill}"; then
    note "  placeholders for apply-time inputs: $(grep -o '# placeholder: [a-zA-Z.]*' "${fill}" | sed 's/# placeholder: //' | tr '\n' ' ')"
  fi
  vals=(-f "${values}" -f "${fill}")

  # 1. local charts
  for chart in charts/*/; do
    chart="${chart%/}"
    [[ -f "${chart}/Chart.yaml" ]] || continue
    cname="$(basename "${chart}")"
    check "[${label}] helm lint --strict ${chart}" "${HELM}" lint --strict "${chart}" "${vals[@]}"
    if "${HELM}" template hello "${chart}" "${vals[@]}" >"${vdir}/chart-${cname}.yaml" 2>"${vdir}/chart-${cname}.err"; then
      pass "[${label}] helm template hello ${chart}"
    else
      fail "[${label}] helm template hello ${chart}" "command: ${HELM} template hello ${chart} ${vals[*]}"$'\n'"$(cat "${vdir}/chart-${cname}.err")"
    fi
  done
  expect_absent "[${label}] platform-namespaces never renders cilium-secrets" \
    "${vdir}/chart-platform-namespaces.yaml" 'cilium-secrets'
  expect_present "[${label}] platform-namespaces renders Namespaces with the keep policy" \
    "${vdir}/chart-platform-namespaces.yaml" 'helm.sh/resource-policy: keep'
  # Let's Encrypt issuers render when an ACME e-mail is set (placeholders fill it here).
  expect_present "[${label}] platform-issuers renders the letsencrypt alias" \
    "${vdir}/chart-platform-issuers.yaml" '^  name: letsencrypt$'
  expect_absent "[${label}] apps-hello does not set the ingress.class annotation next to ingressClassName" \
    "${vdir}/chart-apps-hello.yaml" 'kubernetes.io/ingress.class'
  expect_present "[${label}] apps-hello has a readiness probe" "${vdir}/chart-apps-hello.yaml" 'readinessProbe:'
  expect_present "[${label}] apps-hello has a liveness probe" "${vdir}/chart-apps-hello.yaml" 'livenessProbe:'
  expect_present "[${label}] apps-hello objects are named hello-web" "${vdir}/chart-apps-hello.yaml" '^  name: hello-web$'

  # Without an ACME e-mail: a clear failure when a letsencrypt* issuer is in use,
  # else only the selfsigned issuer.
  if grep -Eq '^  (platform|app): "?letsencrypt' "${vals[1]}"; then
    if out="$("${HELM}" template hello charts/platform-issuers "${vals[@]}" --set letsencrypt.email= 2>&1)"; then
      fail "[${label}] platform-issuers fails clearly without an ACME email" "rendered although letsencrypt.email is empty"
    elif grep -q 'letsencrypt.email is required' <<<"${out}"; then
      pass "[${label}] platform-issuers fails clearly without an ACME email"
    else
      fail "[${label}] platform-issuers fails clearly without an ACME email" "${out}"
    fi
  elif out="$("${HELM}" template hello charts/platform-issuers "${vals[@]}" --set letsencrypt.email= 2>&1)" &&
    [[ "$(grep -c '^kind: ClusterIssuer' <<<"${out}")" == 1 ]]; then
    pass "[${label}] self-signed setup without an ACME email renders only the selfsigned issuer"
  else
    fail "[${label}] self-signed setup without an ACME email renders only the selfsigned issuer" "${out}"
  fi

  # 2. infra templates, as configured (secrets available)
  base="${vdir}/infra"
  if render_infra "${base}" "${vals[@]}" --set checkAssets.secretsAvailable=true 2>"${vdir}/infra.err"; then
    pass "[${label}] infra/ templates render to valid YAML"
  else
    fail "[${label}] infra/ templates render to valid YAML" "$(cat "${vdir}/infra.err")"
    continue
  fi
  hf="${base}/infra_helmfile_yaml_gotmpl.yaml"
  for rel in "${kReleases[@]}"; do
    expect_present "[${label}] helmfile declares release ${rel}" "${hf}" "^  - name: ${rel}\$"
  done
  if grep -nE '^    installed:' "${hf}" | grep -vE 'installed: (true|false)$' >"${tmp}/inst-r.out"; then
    fail "[${label}] helmfile installed: fields render as true/false" "$(cat "${tmp}/inst-r.out")"
  else
    pass "[${label}] helmfile installed: fields render as true/false"
  fi
  expect_absent "[${label}] oauth2-proxy: no wildcard email domain (W20)" \
    "${base}/infra_values_oauth2-proxy_yaml_gotmpl.yaml" '^[^#]*(email-domain=\*|email_domains = \[ *"\*"|email-domain: *"?\*)'
  expect_present "[${label}] oauth2-proxy: one --email-domain per configured domain (W20)" \
    "${base}/infra_values_oauth2-proxy_yaml_gotmpl.yaml" '"--email-domain=[^*"]+"'
  for otel in otel-k8s-daemonset otel-k8s-cluster; do
    f="${base}/infra_values_${otel}_yaml_gotmpl.yaml"
    expect_present "[${label}] ${otel}: exporter reads the key from the environment (W12)" "${f}" \
      'authorization: "\$\{env:CLICKSTACK_INGESTION_KEY\}"'
    expect_absent "[${label}] ${otel}: ingestion key not rendered in plain text (W12)" "${f}" \
      'dummy-secret-clickstack_ingestion_key'
    expect_present "[${label}] ${otel}: key comes from a Secret via secretKeyRef (W12)" "${f}" 'secretKeyRef:'
  done

  # 3. provider and feature variants
  v="${vdir}/traefik"
  if render_infra "${v}" "${vals[@]}" --set checkAssets.secretsAvailable=true --set providers.ingress=traefik \
    --set ingressClass=traefik --set installed.ingressNginx=false --set app.authEnabled=false 2>"${vdir}/traefik.err"; then
    pass "[${label}] infra/ renders with ingress provider traefik"
    for f in "${v}"/infra_values_*.yaml; do
      expect_absent "[${label}] traefik: no NGINX annotations in $(basename "${f}")" "${f}" 'nginx\.ingress\.kubernetes\.io'
    done
    expect_present "[${label}] traefik: ClickStack ingress path / Prefix (W19)" \
      "${v}/infra_values_clickstack_yaml_gotmpl.yaml" 'pathType: Prefix'
    expect_absent "[${label}] traefik: no NGINX regex path on ClickStack (W19)" \
      "${v}/infra_values_clickstack_yaml_gotmpl.yaml" '\(\.\*\)|ImplementationSpecific'
    expect_absent "[${label}] traefik: no needs on ingress-nginx" "${v}/infra_helmfile_yaml_gotmpl.yaml" 'ingress/ingress-nginx'
    expect_present "[${label}] traefik: ingress-nginx not installed" "${v}/infra_helmfile_yaml_gotmpl.yaml" \
      '^    installed: false$'
  else
    fail "[${label}] infra/ renders with ingress provider traefik" "$(cat "${vdir}/traefik.err")"
  fi
  for chart in apps-hello platform-issuers; do
    if out="$("${HELM}" template hello "charts/${chart}" "${vals[@]}" --set providers.ingress=traefik \
      --set ingressClass=traefik --set app.authEnabled=true 2>&1)"; then
      if grep -qE 'nginx\.ingress|class: "?nginx' <<<"${out}"; then
        fail "[${label}] traefik: charts/${chart} renders nothing NGINX-specific" "$(grep -nE 'nginx\.ingress|class: "?nginx' <<<"${out}")"
      else
        pass "[${label}] traefik: charts/${chart} renders nothing NGINX-specific"
      fi
    else
      fail "[${label}] traefik: helm template charts/${chart}" "${out}"
    fi
  done

  v="${vdir}/nooauth"
  if render_infra "${v}" "${vals[@]}" --set checkAssets.secretsAvailable=true --set oauth.enabled=false \
    --set installed.oauth2Proxy=false --set app.authEnabled=false 2>"${vdir}/nooauth.err"; then
    pass "[${label}] infra/ renders without oauth2-proxy"
    expect_absent "[${label}] no oauth2-proxy: Hubble UI without auth annotations (W18)" \
      "${v}/infra_values_cilium_yaml_gotmpl.yaml" 'auth-(url|signin)'
    expect_absent "[${label}] no oauth2-proxy: ClickStack without auth annotations" \
      "${v}/infra_values_clickstack_yaml_gotmpl.yaml" 'auth-(url|signin)'
  else
    fail "[${label}] infra/ renders without oauth2-proxy" "$(cat "${vdir}/nooauth.err")"
  fi

  v="${vdir}/noclickstack"
  if render_infra "${v}" "${vals[@]}" --set checkAssets.secretsAvailable=true \
    --set installed.clickstack=false 2>"${vdir}/noclickstack.err"; then
    pass "[${label}] infra/ renders without clickstack"
    expect_absent "[${label}] no clickstack: otel releases do not need it (W21)" \
      "${v}/infra_helmfile_yaml_gotmpl.yaml" 'observability/clickstack'
  else
    fail "[${label}] infra/ renders without clickstack" "$(cat "${vdir}/noclickstack.err")"
  fi

  v="${vdir}/nodomains"
  if render_infra "${v}" "${vals[@]}" --set checkAssets.secretsAvailable=true --set installed.oauth2Proxy=true \
    --set oauth.emailDomains=null 2>"${vdir}/nodomains.err"; then
    fail "[${label}] oauth2-proxy refuses an empty email-domain list (W20)" "rendered although oauth.emailDomains is empty"
  elif grep -q 'oauth.emailDomains is empty' "${vdir}/nodomains.err"; then
    pass "[${label}] oauth2-proxy refuses an empty email-domain list (W20)"
  else
    fail "[${label}] oauth2-proxy refuses an empty email-domain list (W20)" "$(cat "${vdir}/nodomains.err")"
  fi

  v="${vdir}/nothing"
  if render_infra "${v}" "${vals[@]}" --set checkAssets.secretsAvailable=false "${installed_all_false[@]}" \
    --set oauth.enabled=false --set app.authEnabled=false 2>"${vdir}/nothing.err"; then
    pass "[${label}] nothing installed: no secret is required (requiredEnv only for installed releases)"
    expect_absent "[${label}] nothing installed: no needs edges" "${v}/infra_helmfile_yaml_gotmpl.yaml" '^    needs:'
  else
    fail "[${label}] nothing installed: no secret is required (requiredEnv only for installed releases)" \
      "$(cat "${vdir}/nothing.err")"
  fi

done

# The helmfile refuses to render without state values (a clear message, not a nil error).
nostate="${tmp}/harness-nostate"
mkdir -p "${nostate}/templates"
cp "${harness}/Chart.yaml" "${nostate}/"
cp "${harness}/templates/_shim.tpl" "${harness}/templates/_infra_helmfile_yaml_gotmpl.tpl" \
  "${harness}/templates/infra_helmfile_yaml_gotmpl.yaml" "${nostate}/templates/"
if "${HELM}" template check "${nostate}" >"${tmp}/nostate.out" 2>&1; then
  fail "helmfile refuses to render without state values" "$(sed -n '1,10p' "${tmp}/nostate.out")"
elif grep -q 'state values missing' "${tmp}/nostate.out"; then
  pass "helmfile refuses to render without state values"
else
  fail "helmfile refuses to render without state values" "$(cat "${tmp}/nostate.out")"
fi

# ---- provider matrix: helmfile installed gates == plan (seed 97, without helmfile) ----
# For nginx|traefik x minio|ceph x FEAT_MINIO true|false, the releases the helmfile
# installs (rendered with `platformctl config values --set ...` as state values) must
# be exactly the releases `platformctl plan -o json --set ...` syncs: its
# `helmfile ... --selector component=X ... sync` commands, mapped to release names
# through the helmfile's `component:` labels.

hfonly="${tmp}/harness-helmfile"
mkdir -p "${hfonly}/templates"
cp "${harness}/Chart.yaml" "${hfonly}/"
cp "${harness}/templates/_shim.tpl" "${harness}/templates/_infra_helmfile_yaml_gotmpl.tpl" \
  "${harness}/templates/infra_helmfile_yaml_gotmpl.yaml" "${hfonly}/templates/"

# Rendered helmfile on stdin -> "name" per release whose installed: is true.
installed_releases() {
  awk '/^  - name: / { name = $3 } /^    installed: true$/ { print name }' | LC_ALL=C sort -u
}
# Rendered helmfile on stdin -> "component release" per release.
component_labels() {
  awk '/^  - name: / { name = $3 } /^      component: / { print $2, name }'
}
# Plan JSON on stdin -> the selector of every `helmfile ... --selector S ... apply|sync`.
sync_selectors() {
  python3 -c '
import json, sys
for step in json.load(sys.stdin)["steps"]:
    for c in step["commands"]:
        a = c["argv"]
        if a and a[0] == "helmfile" and ("apply" in a or a[-1] == "sync") and "--selector" in a:
            print(a[a.index("--selector") + 1])
'
}

if ! command -v python3 >/dev/null 2>&1; then
  fail "provider matrix: python3 is needed to read the plan JSON (scripts/install-deps.sh)"
else
  for ingress in nginx traefik; do
    for storage in minio ceph; do
      for feat_minio in true false; do
        label="provider matrix ingress=${ingress} storage=${storage} FEAT_MINIO=${feat_minio}"
        mdir="${tmp}/matrix-${ingress}-${storage}-${feat_minio}"
        mkdir -p "${mdir}"
        msets=(--set "INGRESS_PROVIDER=${ingress}" --set "OBJECT_STORAGE_PROVIDER=${storage}"
          --set "FEAT_MINIO=${feat_minio}")
        if ! "${PLATFORMCTL}" -C . config values "${msets[@]}" >"${mdir}/values.yaml" \
          2>"${mdir}/values.err" </dev/null; then
          fail "[${label}] platformctl config values" "$(cat "${mdir}/values.err")"
          continue
        fi
        if ! "${HELM}" template check "${hfonly}" -f "${mdir}/values.yaml" \
          >"${mdir}/helmfile.yaml" 2>"${mdir}/helmfile.err"; then
          fail "[${label}] helmfile renders" "$(cat "${mdir}/helmfile.err")"
          continue
        fi
        if ! "${PLATFORMCTL}" -C . plan -o json -q "${msets[@]}" >"${mdir}/plan.json" \
          2>"${mdir}/plan.err" </dev/null; then
          fail "[${label}] platformctl plan -o json" "$(cat "${mdir}/plan.err")"
          continue
        fi
        installed_releases <"${mdir}/helmfile.yaml" >"${mdir}/helmfile.releases"
        component_labels <"${mdir}/helmfile.yaml" >"${mdir}/labels"
        unmapped=""
        : >"${mdir}/plan.releases.unsorted"
        while read -r selector; do
          component="${selector#component=}"
          release="$(awk -v c="${component}" '$1 == c { print $2 }' "${mdir}/labels")"
          if [[ "${selector}" != component=* || -z "${release}" ]]; then
            unmapped+="${selector} "
          else
            echo "${release}" >>"${mdir}/plan.releases.unsorted"
          fi
        done < <(sync_selectors <"${mdir}/plan.json")
        LC_ALL=C sort -u "${mdir}/plan.releases.unsorted" >"${mdir}/plan.releases"
        if [[ -n "${unmapped}" ]]; then
          fail "[${label}] every plan selector names a helmfile release" "no release labelled: ${unmapped}"
        elif [[ ! -s "${mdir}/helmfile.releases" ]]; then
          fail "[${label}] helmfile installs releases" "no 'installed: true' in the rendered helmfile"
        elif cmp -s "${mdir}/helmfile.releases" "${mdir}/plan.releases"; then
          pass "[${label}] helmfile installed releases == plan sync releases"
        else
          fail "[${label}] helmfile installed releases == plan sync releases" \
            "$(diff "${mdir}/helmfile.releases" "${mdir}/plan.releases" | sed -n 's/^</helmfile only:/p; s/^>/plan only:/p')"
        fi
        # The provider switches themselves: ingress-nginx iff nginx, minio iff minio and FEAT_MINIO.
        want_nginx=false want_minio=false
        [[ "${ingress}" == nginx ]] && want_nginx=true
        [[ "${storage}" == minio && "${feat_minio}" == true ]] && want_minio=true
        got_nginx=false got_minio=false
        grep -qx 'ingress-nginx' "${mdir}/helmfile.releases" && got_nginx=true
        grep -qx 'minio' "${mdir}/helmfile.releases" && got_minio=true
        if [[ "${got_nginx}/${got_minio}" == "${want_nginx}/${want_minio}" ]]; then
          pass "[${label}] ingress-nginx and minio gated by the providers"
        else
          fail "[${label}] ingress-nginx and minio gated by the providers" \
            "ingress-nginx installed=${got_nginx} (want ${want_nginx}), minio installed=${got_minio} (want ${want_minio})"
        fi
      done
    done
  done
fi

# ---- cluster/ (Flux) ----------------------------------------------------------------

kustomize_dirs=()
while IFS= read -r k; do
  kustomize_dirs+=("$(dirname "${k}")")
done < <(find cluster -name kustomization.yaml -type f 2>/dev/null | LC_ALL=C sort)
if ((${#kustomize_dirs[@]} == 0)); then
  fail "cluster/ holds kustomization directories" "no kustomization.yaml under cluster/"
fi
for dir in "${kustomize_dirs[@]}"; do
  check "kubectl kustomize ${dir}" "${KUBECTL}" kustomize "${dir}"
done

# ---- static invariants ------------------------------------------------------------------

hf_src="infra/helmfile.yaml.gotmpl"
if grep -qE '^repositories:' "${hf_src}"; then
  pass "helmfile has a repositories: section (W17)"
else
  fail "helmfile has a repositories: section (W17)"
fi

# `env "X"` / `(env "X")` lookups are not allowed anywhere in infra/; requiredEnv is.
if grep -rnE '(^|[^A-Za-z0-9_.])env[[:space:]]+"' infra/ >"${tmp}/env.out" 2>/dev/null; then
  fail "no env lookups in infra/ (configuration comes from .Values only)" "$(cat "${tmp}/env.out")"
else
  pass "no env lookups in infra/ (configuration comes from .Values only)"
fi

# shellcheck disable=SC2016 # a literal $i in the patterns
if ! grep -qE '^\{\{- \$i := \.Values\.installed \}\}$' "${hf_src}"; then
  fail "helmfile installed: fields read only .Values.installed.*" "no '{{- \$i := .Values.installed }}' in ${hf_src}"
elif grep -nE '^[[:space:]]+installed:' "${hf_src}" | grep -vE 'installed: \{\{ \$i\.[A-Za-z0-9]+ \}\}$' >"${tmp}/inst.out"; then
  fail "helmfile installed: fields read only .Values.installed.*" "$(cat "${tmp}/inst.out")"
else
  pass "helmfile installed: fields read only .Values.installed.*"
fi

# requiredEnv only inside infra/values (release values templates), never in the helmfile itself.
if grep -nE 'requiredEnv[[:space:]]+"' "${hf_src}" infra/environments/* >"${tmp}/renv.out" 2>/dev/null; then
  fail "requiredEnv only in infra/values templates" "$(cat "${tmp}/renv.out")"
else
  pass "requiredEnv only in infra/values templates"
fi

# Pinned chart versions: the same in helmfile and in the Flux HelmReleases.
while read -r version; do
  [[ -n "${version}" ]] || continue
  if grep -rqE "version: \"?${version//./\\.}\"?\$" cluster/; then
    pass "chart version ${version} pinned in both helmfile and cluster/"
  else
    fail "chart version ${version} pinned in both helmfile and cluster/" "not found under cluster/"
  fi
done < <(grep -E '^    version: ' "${hf_src}" | awk '{print $2}' | LC_ALL=C sort -u)

# No inline Secrets or secret values in the Flux tree.
if grep -rnE '^kind: Secret|^\s*(rootPassword|clientSecret|cookieSecret|apiKey):\s*[^ ]' cluster/ \
  --include='*.yaml' >"${tmp}/sec.out" 2>/dev/null; then
  fail "no inline secrets under cluster/" "$(cat "${tmp}/sec.out")"
else
  pass "no inline secrets under cluster/"
fi

# No base domain hard-coded in Flux manifests (post-build substitution supplies it).
if grep -rnE 'swhurl\.com|nip\.io|example\.(com|org)' cluster/ --include='*.yaml' \
  | grep -v '^cluster/flux/platform-settings.example.yaml:' >"${tmp}/dom.out"; then
  fail "no hard-coded domains in cluster/ manifests" "$(cat "${tmp}/dom.out")"
else
  pass "no hard-coded domains in cluster/ manifests"
fi

echo "${passed} passed, ${failed} failed"
((failed == 0))
