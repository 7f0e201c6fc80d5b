{{/*
Namespaces to render: .Values.namespaces in order, without duplicates, blanks,
or namespaces owned by other charts (cilium-secrets belongs to cilium).
*/}}
{{- define "platform-namespaces.names" -}}
{{- $excluded := list "cilium-secrets" -}}
{{- $out := list -}}
{{- range $ns := (.Values.namespaces | default list) -}}
{{- $name := trim (toString $ns) -}}
{{- if and $name (not (has $name $excluded)) (not (has $name $out)) -}}
{{- $out = append $out $name -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
