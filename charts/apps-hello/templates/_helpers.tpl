{{- define "apps-hello.fullname" -}}
{{- .Values.fullnameOverride | default .Values.nameOverride | default .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "apps-hello.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "apps-hello.selectorLabels" -}}
app.kubernetes.io/name: {{ include "apps-hello.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "apps-hello.labels" -}}
{{ include "apps-hello.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* NGINX-specific behaviour applies only with the nginx ingress provider. */}}
{{- define "apps-hello.nginx" -}}
{{- if eq (.Values.providers.ingress | default "nginx") "nginx" }}true{{ end -}}
{{- end -}}
