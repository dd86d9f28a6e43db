{{/* Names, labels, images and the checks every render runs. */}}

{{- define "csp.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The Kubernetes name of a workload: (dict "root" $ "name" "risk") */}}
{{- define "csp.workloadName" -}}
{{- printf "%s-%s" (include "csp.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "csp.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: csp-platform
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* The common labels with the release, for objects that are not a workload's (no selector labels of their own). */}}
{{- define "csp.labels" -}}
{{ include "csp.commonLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of a workload's pods: (dict "root" $ "name" "risk") */}}
{{- define "csp.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* The pod selector of every pod of this release (the default-deny policy's scope). */}}
{{- define "csp.releaseSelector" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: csp-platform
{{- end -}}

{{/* A workload's values: the defaults with the workload's block over them. (dict "root" $ "name" "risk") -> YAML */}}
{{- define "csp.workloadValues" -}}
{{- $w := index .root.Values.workloads .name -}}
{{- mergeOverwrite (deepCopy .root.Values.workloadDefaults) (deepCopy $w) | toYaml -}}
{{- end -}}

{{/* The enabled workloads' names, sorted: a YAML list. */}}
{{- define "csp.enabledWorkloads" -}}
{{- $names := list -}}
{{- range $name, $w := .Values.workloads -}}
{{- if $w.enabled -}}{{- $names = append $names $name -}}{{- end -}}
{{- end -}}
{{- sortAlpha $names | toYaml -}}
{{- end -}}

{{/* The enabled workloads that use the pub/sub component (the component's scopes): a YAML list of app ids. */}}
{{- define "csp.pubsubApps" -}}
{{- $names := list -}}
{{- range $name, $w := .Values.workloads -}}
{{- if and $w.enabled $w.pubsub -}}{{- $names = append $names $name -}}{{- end -}}
{{- end -}}
{{- sortAlpha $names | toYaml -}}
{{- end -}}

{{/* The enabled workloads that call the gRPC API of .name: a YAML list. (dict "root" $ "name" "actionplan") */}}
{{- define "csp.grpcCallers" -}}
{{- $callee := .name -}}
{{- $names := list -}}
{{- range $name, $w := .root.Values.workloads -}}
{{- if $w.enabled -}}
{{- range $call := ($w.calls | default list) -}}
{{- if eq $call.service $callee -}}{{- $names = append $names $name -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- sortAlpha (uniq $names) | toYaml -}}
{{- end -}}

{{/* An image reference; refuses an empty or "latest" tag. (dict "image" .image "global" .Values.global.image "what" "gateway") */}}
{{- define "csp.image" -}}
{{- $registry := .image.registry | default .global.registry -}}
{{- $tag := toString (.image.tag | default .global.tag) -}}
{{- if not .image.repository -}}{{- fail (printf "%s: image.repository is required" .what) -}}{{- end -}}
{{- if not $tag -}}{{- fail (printf "%s: an image tag is required (global.image.tag or the workload's image.tag); images are pinned, never latest" .what) -}}{{- end -}}
{{- if regexMatch "(?i)^latest$" $tag -}}{{- fail (printf "%s: the image tag \"latest\" is refused: pin a version" .what) -}}{{- end -}}
{{- if $registry -}}{{ printf "%s/%s:%s" $registry .image.repository $tag }}{{- else -}}{{ printf "%s:%s" .image.repository $tag }}{{- end -}}
{{- end -}}

{{/* Secret names. */}}
{{- define "csp.appTokenSecret" -}}
{{- .Values.dapr.appToken.existingSecret | default (printf "%s-dapr-app-token" (include "csp.fullname" .)) -}}
{{- end -}}

{{- define "csp.redisSecret" -}}
{{- if eq .Values.redis.mode "external" -}}
{{- .Values.redis.external.existingSecret -}}
{{- else -}}
{{- .Values.redis.internal.existingSecret | default (printf "%s-redis" (include "csp.fullname" .)) -}}
{{- end -}}
{{- end -}}

{{- define "csp.redisPasswordKey" -}}
{{- if eq .Values.redis.mode "external" -}}{{ .Values.redis.external.passwordKey }}{{- else -}}password{{- end -}}
{{- end -}}

{{/* host:port (or several, comma-separated) of Redis. */}}
{{- define "csp.redisHost" -}}
{{- if eq .Values.redis.mode "external" -}}
{{- required "redis.external.host is required when redis.mode is external" .Values.redis.external.host -}}
{{- else -}}
{{- printf "%s-redis:6379" (include "csp.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "csp.redisTls" -}}
{{- if eq .Values.redis.mode "external" -}}{{ .Values.redis.external.tls }}{{- else -}}false{{- end -}}
{{- end -}}

{{/*
The development token issuer can never be switched on by this chart: no value exists for it (the schema refuses
auth.devIssuer and unknown keys), and no environment variable may configure it. .NET reads configuration from
environment variables with or without the ASPNETCORE_ / DOTNET_ prefix, with "__" or ":" as the separator, in any case.
The environment name is fixed to Production (where the services themselves refuse the development issuer).
*/}}
{{- define "csp.refuseDevIssuer" -}}
{{- $what := .what -}}
{{- range $name, $_ := .env -}}
{{- if regexMatch "(?i)^((aspnetcore|dotnet)_)?auth(__|:)+devissuer" $name -}}
{{- fail (printf "%s: %s is refused: the development token issuer cannot be enabled in the cluster (docs/security.md)" $what $name) -}}
{{- end -}}
{{- if regexMatch "(?i)^(aspnetcore|dotnet)_environment$" $name -}}
{{- fail (printf "%s: %s is refused: the chart runs every process as Production" $what $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Checks of the whole release, run once. */}}
{{- define "csp.validate" -}}
{{- if hasKey .Values.auth "devIssuer" -}}
{{- fail "auth.devIssuer is refused: the development token issuer cannot be enabled in the cluster (docs/security.md)" -}}
{{- end -}}
{{- $_ := required "auth.authority (the OIDC issuer URL) is required" .Values.auth.authority -}}
{{- $_ := required "auth.audience (the expected token audience) is required" .Values.auth.audience -}}
{{- if not (regexMatch "^https://" .Values.auth.authority) -}}
{{- if .Values.auth.requireHttpsMetadata -}}
{{- fail "auth.authority must be an https:// URL (or set auth.requireHttpsMetadata=false for an in-cluster authority over plain HTTP)" -}}
{{- end -}}
{{- end -}}
{{- range $name, $w := .Values.workloads -}}
{{- if $w.enabled -}}
{{- range $call := ($w.calls | default list) -}}
{{- $callee := index $.Values.workloads $call.service | default dict -}}
{{- if not $callee.enabled -}}{{- fail (printf "workloads.%s calls %s, which is not an enabled workload" $name $call.service) -}}{{- end -}}
{{- if not ($callee.ports.grpc | default 0 | int) -}}{{- fail (printf "workloads.%s calls %s, which has no gRPC port" $name $call.service) -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $k, $d := (list .Values.dapr.pubsub.redeliverInterval .Values.dapr.pubsub.processingTimeout) -}}
{{- if not (regexMatch "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$" (toString $d)) -}}
{{- fail (printf "dapr.pubsub durations must be Go durations with a unit, e.g. 15s (a bare number is read by Dapr as milliseconds): %v" $d) -}}
{{- end -}}
{{- end -}}
{{- end -}}
