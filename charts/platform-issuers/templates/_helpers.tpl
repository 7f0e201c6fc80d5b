{{/*
metadata.labels of every issuer, indented for `metadata:`. Renders any number of
labels (toYaml, no newline trimming) and nothing at all when there are none.
*/}}
{{- define "platform-issuers.labels" -}}
{{- with .Values.labels }}
  labels:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
An ACME ClusterIssuer with an HTTP-01 ingress solver.
Call with (dict "root" $ "name" NAME "server" URL "keySecret" SECRET).
*/}}
{{- define "platform-issuers.acme" -}}
{{- $v := .root.Values -}}
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: {{ .name }}
  {{- include "platform-issuers.labels" .root }}
spec:
  acme:
    email: {{ required "letsencrypt.email is required (set ACME_EMAIL)" $v.letsencrypt.email | quote }}
    server: {{ .server | quote }}
    privateKeySecretRef:
      name: {{ .keySecret }}
    solvers:
      - http01:
          ingress:
            class: {{ required "ingressClass is required" $v.ingressClass | quote }}
{{- end -}}
