{{/*
The one shape of every workload (gateway and services): ServiceAccount, Deployment, Service, PodDisruptionBudget and,
when enabled, HorizontalPodAutoscaler. Called once per enabled block of .Values.workloads by workloads.yaml:
  include "csp.workload" (dict "root" $ "name" "risk")
*/}}
{{- define "csp.workload" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $w := include "csp.workloadValues" . | fromYaml -}}
{{- $fullname := include "csp.workloadName" . -}}
{{- $what := printf "workloads.%s" $name -}}
{{- include "csp.refuseDevIssuer" (dict "what" $what "env" ($w.env | default dict)) -}}
{{- include "csp.refuseDevIssuer" (dict "what" $what "env" ($w.secretEnv | default dict)) -}}
{{- if not (has $w.role (list "gateway" "service")) -}}{{- fail (printf "%s.role must be gateway or service" $what) -}}{{- end -}}
{{- $isGateway := eq $w.role "gateway" -}}
{{- $callers := include "csp.grpcCallers" . | fromYamlArray -}}
{{- $calls := $w.calls | default list -}}
{{- $redisSecret := include "csp.redisSecret" $root -}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "csp.commonLabels" $root | nindent 4 }}
    {{- include "csp.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: {{ $w.role }}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "csp.commonLabels" $root | nindent 4 }}
    {{- include "csp.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: {{ $w.role }}
spec:
  {{- if not $w.autoscaling.enabled }}
  replicas: {{ $w.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "csp.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "csp.commonLabels" $root | nindent 8 }}
        {{- include "csp.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/component: {{ $w.role }}
      annotations:
        dapr.io/enabled: "true"
        dapr.io/app-id: {{ $name | quote }}
        dapr.io/app-port: {{ $w.ports.http | quote }}
        dapr.io/app-protocol: "http"
        dapr.io/config: {{ printf "%s-dapr" (include "csp.fullname" $root) | quote }}
        dapr.io/log-as-json: {{ $root.Values.dapr.logAsJson | quote }}
        dapr.io/enable-metrics: {{ $root.Values.dapr.enableMetrics | quote }}
        dapr.io/metrics-port: {{ $root.Values.dapr.metricsPort | quote }}
        dapr.io/sidecar-cpu-request: {{ $root.Values.dapr.sidecar.resources.requests.cpu | quote }}
        dapr.io/sidecar-cpu-limit: {{ $root.Values.dapr.sidecar.resources.limits.cpu | quote }}
        dapr.io/sidecar-memory-request: {{ $root.Values.dapr.sidecar.resources.requests.memory | quote }}
        dapr.io/sidecar-memory-limit: {{ $root.Values.dapr.sidecar.resources.limits.memory | quote }}
        dapr.io/sidecar-seccomp-profile-type: "RuntimeDefault"
        dapr.io/app-token-secret: {{ include "csp.appTokenSecret" $root | quote }}
        {{- if $root.Values.dapr.appHealthCheck }}
        dapr.io/enable-app-health-check: "true"
        dapr.io/app-health-check-path: "/healthz/ready"
        {{- end }}
        {{- if not $root.Values.monitoring.serviceMonitor.enabled }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $w.ports.management | quote }}
        prometheus.io/path: "/metrics"
        {{- end }}
    spec:
      serviceAccountName: {{ $fullname }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $w.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml $w.podSecurityContext | nindent 8 }}
      {{- with $root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $name }}
          image: {{ include "csp.image" (dict "image" $w.image "global" $root.Values.global.image "what" $what) | quote }}
          imagePullPolicy: {{ $root.Values.global.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $w.ports.http }}
              protocol: TCP
            {{- if $w.ports.grpc }}
            - name: grpc
              containerPort: {{ $w.ports.grpc }}
              protocol: TCP
            {{- end }}
            - name: management
              containerPort: {{ $w.ports.management }}
              protocol: TCP
          env:
            - name: ASPNETCORE_ENVIRONMENT
              value: "Production"
            - name: Ports__Address
              value: "0.0.0.0"
            - name: Ports__Management
              value: {{ $w.ports.management | quote }}
            - name: Auth__Authority
              value: {{ $root.Values.auth.authority | quote }}
            - name: Auth__Audience
              value: {{ $root.Values.auth.audience | quote }}
            - name: Auth__RequireHttpsMetadata
              value: {{ $root.Values.auth.requireHttpsMetadata | quote }}
            {{- with $root.Values.auth.claims.partnershipRole }}
            - name: Auth__Claims__PartnershipRole
              value: {{ . | quote }}
            {{- end }}
            {{- with $root.Values.auth.claims.partnershipRolePrefix }}
            - name: Auth__Claims__PartnershipRolePrefix
              value: {{ . | quote }}
            {{- end }}
            {{- with $root.Values.auth.claims.service }}
            - name: Auth__Claims__Service
              value: {{ . | quote }}
            {{- end }}
            {{- if $isGateway }}
            - name: Urls
              value: {{ printf "http://0.0.0.0:%v" $w.ports.http | quote }}
            {{- range $other := include "csp.enabledWorkloads" $root | fromYamlArray }}
            {{- $o := index $root.Values.workloads $other }}
            {{- if $o.gatewayCluster }}
            - name: {{ printf "ReverseProxy__Clusters__%s__Destinations__primary__Address" $o.gatewayCluster }}
              value: {{ printf "http://%s:%v" (include "csp.workloadName" (dict "root" $root "name" $other)) $o.ports.http | quote }}
            {{- end }}
            {{- end }}
            {{- else }}
            - name: Ports__Http
              value: {{ $w.ports.http | quote }}
            - name: Ports__Grpc
              value: {{ $w.ports.grpc | default 0 | quote }}
            {{- end }}
            {{- if $w.redis }}
            {{- if $redisSecret }}
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $redisSecret | quote }}
                  key: {{ include "csp.redisPasswordKey" $root | quote }}
            - name: Redis__Configuration
              value: {{ printf "%s,password=$(REDIS_PASSWORD),ssl=%s,abortConnect=false" (include "csp.redisHost" $root) (include "csp.redisTls" $root) | quote }}
            {{- else }}
            - name: Redis__Configuration
              value: {{ printf "%s,ssl=%s,abortConnect=false" (include "csp.redisHost" $root) (include "csp.redisTls" $root) | quote }}
            {{- end }}
            - name: Redis__Database
              value: "0"
            {{- end }}
            {{- if $w.pubsub }}
            - name: EventBus__Transport
              value: "dapr"
            - name: EventBus__Dapr__PubSubName
              value: {{ $root.Values.dapr.pubsubName | quote }}
            - name: APP_API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ include "csp.appTokenSecret" $root | quote }}
                  key: "token"
            {{- end }}
            {{- if $calls }}
            {{- $tokenSecret := required (printf "%s.serviceToken.existingSecret is required: %s calls another service's gRPC API with its own client-credentials token (keys client-id, client-secret)" $what $name) ($w.serviceToken | default dict).existingSecret }}
            - name: Auth__ServiceToken__TokenEndpoint
              value: {{ required "auth.serviceToken.tokenEndpoint is required when a workload calls another service's gRPC API" $root.Values.auth.serviceToken.tokenEndpoint | quote }}
            - name: Auth__ServiceToken__ClientId
              valueFrom:
                secretKeyRef:
                  name: {{ $tokenSecret | quote }}
                  key: "client-id"
            - name: Auth__ServiceToken__ClientSecret
              valueFrom:
                secretKeyRef:
                  name: {{ $tokenSecret | quote }}
                  key: "client-secret"
            {{- with $root.Values.auth.serviceToken.scope }}
            - name: Auth__ServiceToken__Scope
              value: {{ . | quote }}
            {{- end }}
            {{- range $call := $calls }}
            {{- $callee := index $root.Values.workloads $call.service }}
            - name: {{ $call.addressKey }}
              value: {{ printf "http://%s:%v" (include "csp.workloadName" (dict "root" $root "name" $call.service)) $callee.ports.grpc | quote }}
            {{- end }}
            {{- end }}
            {{- range $i, $caller := $callers }}
            - name: {{ printf "Auth__AllowedServiceCallers__%d" $i }}
              value: {{ $caller | quote }}
            {{- end }}
            {{- range $k, $v := $w.env }}
            - name: {{ $k }}
              value: {{ $v | toString | quote }}
            {{- end }}
            {{- range $k, $v := $w.secretEnv }}
            - name: {{ $k }}
              valueFrom:
                secretKeyRef:
                  name: {{ $v.secret | quote }}
                  key: {{ $v.key | quote }}
            {{- end }}
          startupProbe:
            httpGet: { path: /healthz/live, port: http }
            {{- toYaml $w.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet: { path: /healthz/live, port: http }
            {{- toYaml $w.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet: { path: /healthz/ready, port: http }
            {{- toYaml $w.probes.readiness | nindent 12 }}
          resources:
            {{- toYaml $w.resources | nindent 12 }}
          securityContext:
            {{- toYaml $w.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            medium: Memory
            sizeLimit: {{ $w.tmpSizeLimit }}
      {{- with $w.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "csp.commonLabels" $root | nindent 4 }}
    {{- include "csp.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: {{ $w.role }}
    csp-platform/job: {{ $name }}
spec:
  type: ClusterIP
  selector:
    {{- include "csp.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $w.ports.http }}
      targetPort: http
      protocol: TCP
    {{- if $w.ports.grpc }}
    - name: grpc
      port: {{ $w.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- end }}
    - name: management
      port: {{ $w.ports.management }}
      targetPort: management
      protocol: TCP
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "csp.commonLabels" $root | nindent 4 }}
    {{- include "csp.selectorLabels" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" $w.pdb.minAvailable) }}
  minAvailable: {{ $w.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $w.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "csp.selectorLabels" . | nindent 6 }}
{{- if $w.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "csp.commonLabels" $root | nindent 4 }}
    {{- include "csp.selectorLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicas: {{ $w.autoscaling.minReplicas }}
  maxReplicas: {{ $w.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $w.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}
