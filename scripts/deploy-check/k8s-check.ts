/**
 * Rendered Kubernetes objects (scripts/deploy-check/kustomize.ts) checked without a cluster:
 * each against the schema of the fields we use (deploy/schemas/k8s.schema.json), then across
 * objects: selectors match pod labels, Services, Ingress, HPA, PDB and ServiceMonitor point at
 * things that exist, probes ask routes the process serves on ports it declares, every secret key
 * referenced is in the Secret, every environment variable is a setting (.env.example), images
 * are pinned, and a server's grace period outlasts its preStop plus its drain.
 */
import { Ajv } from 'ajv';
import { isPinnedImage } from './dockerfile-rules.ts';
import { containersOf, type K8sObject } from './kustomize.ts';

export interface K8sContext {
  schema: object;
  /** Setting names from .env.example. */
  settings: Set<string>;
  /** Routes each container (by name) serves on its ports, for probes. */
  routes: Record<string, string[]>;
  /** The server's default drain bound (ms), used when the ConfigMap does not set SHUTDOWN_DEADLINE_MS. */
  defaultShutdownDeadlineMs: number;
}

type Labels = Record<string, string>;
const matches = (selector: Labels, labels: Labels | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const podLabels = (o: K8sObject): Labels | undefined => (o.spec as any)?.template?.metadata?.labels;
const withPods = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');

export function checkK8s(objects: K8sObject[], ctx: K8sContext): string[] {
  const problems: string[] = [];
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Not a type guard: a failed object is still read below for its kind and name.
  const compiled = ajv.compile(ctx.schema);
  const validate = (o: K8sObject) => compiled(o) as boolean;
  for (const o of objects) {
    if (!validate(o)) {
      for (const e of compiled.errors ?? []) {
        if (e.keyword === 'if') continue;
        problems.push(`${o.kind}/${o.metadata?.name}: schema: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
      }
    }
  }
  if (problems.length) return problems;
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
  const secretHas = (name: string, key: string) => {
    const s = find('Secret', name) as any;
    return !!s && key in { ...(s.stringData ?? {}), ...(s.data ?? {}) };
  };

  for (const o of withPods(objects)) {
    const spec = o.spec as any;
    if (o.kind === 'Deployment' && !matches(spec.selector.matchLabels, podLabels(o))) problems.push(`${id(o)}: selector does not match its pod labels`);
    const volumes = new Set<string>(((spec.template.spec.volumes ?? []) as { name: string }[]).map((v) => v.name));
    for (const v of spec.template.spec.volumes ?? []) {
      if (v.persistentVolumeClaim && !find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) problems.push(`${id(o)}: claim ${v.persistentVolumeClaim.claimName} does not exist`);
    }
    for (const c of containersOf(o)) {
      const where = `${id(o)} container ${c.name}`;
      if (!isPinnedImage(c.image)) problems.push(`${where}: image ${c.image} is not pinned to a release`);
      const portNames = new Set<string>((c.ports ?? []).map((p: any) => p.name));
      const portNumbers = new Set<number>((c.ports ?? []).map((p: any) => p.containerPort));
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = c[kind];
        if (!probe) continue;
        const { path, port } = probe.httpGet;
        if (typeof port === 'string' ? !portNames.has(port) : !portNumbers.has(port)) problems.push(`${where}: ${kind} port ${port} is not a port of the container`);
        if (!(ctx.routes[c.name] ?? []).includes(path)) problems.push(`${where}: ${kind} asks ${path}, which ${c.name} does not serve`);
      }
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${where}: mounts ${m.name}, which is not a volume of the pod`);
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) {
          const cm = find('ConfigMap', from.configMapRef.name) as any;
          if (!cm) problems.push(`${where}: ConfigMap ${from.configMapRef.name} does not exist`);
          else Object.assign(env, cm.data);
        }
        if (from.secretRef && !find('Secret', from.secretRef.name)) problems.push(`${where}: Secret ${from.secretRef.name} does not exist`);
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !secretHas(ref.name, ref.key)) problems.push(`${where}: ${e.name} refers to ${ref.name}/${ref.key}, which the Secret does not have`);
        env[e.name] = e.value ?? `<secret ${ref?.key}>`;
      }
      for (const name of Object.keys(env)) if (!ctx.settings.has(name)) problems.push(`${where}: ${name} is not a setting Boardroom reads (.env.example)`);
      const preStop: string[] | undefined = c.lifecycle?.preStop?.exec?.command;
      if (c.name === 'server') {
        if (!preStop) problems.push(`${where}: no preStop (endpoints still route to a draining pod)`);
        const sleep = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
        const drainS = Number(env.SHUTDOWN_DEADLINE_MS ?? ctx.defaultShutdownDeadlineMs) / 1000;
        const grace = spec.template.spec.terminationGracePeriodSeconds ?? 30;
        if (grace <= sleep + drainS) problems.push(`${where}: terminationGracePeriodSeconds ${grace} is not above preStop ${sleep} s + drain ${drainS} s`);
      }
    }
  }

  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = svc.spec as any;
    const pods = withPods(objects).filter((o) => o.kind === 'Deployment' && matches(spec.selector, podLabels(o)));
    if (pods.length === 0) problems.push(`${id(svc)}: selects no Deployment's pods`);
    for (const p of spec.ports) {
      const ok = pods.every((d) => containersOf(d).some((c) => (c.ports ?? []).some((cp: any) => cp.name === p.targetPort || cp.containerPort === p.targetPort)));
      if (!ok) problems.push(`${id(svc)}: port ${p.name} targets ${p.targetPort}, which its pods do not declare`);
    }
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const timeouts = ['proxy-read-timeout', 'proxy-send-timeout'].map((k) => Number(ing.metadata.annotations?.[`nginx.ingress.kubernetes.io/${k}`] ?? 0));
    if (timeouts.some((t) => t < 3600)) problems.push(`${id(ing)}: WebSocket timeouts (proxy-read/send-timeout) under an hour cut idle sync sockets`);
    for (const rule of (ing.spec as any).rules) {
      for (const p of rule.http.paths) {
        const svc = find('Service', p.backend.service.name) as any;
        if (!svc) problems.push(`${id(ing)}: backend ${p.backend.service.name} is not a Service`);
        else if (!svc.spec.ports.some((sp: any) => sp.name === p.backend.service.port.name || sp.port === p.backend.service.port.number)) problems.push(`${id(ing)}: backend port is not a port of ${p.backend.service.name}`);
      }
    }
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = (hpa.spec as any).scaleTargetRef;
    if (!find(ref.kind, ref.name)) problems.push(`${id(hpa)}: scales ${ref.kind}/${ref.name}, which does not exist`);
    const types = new Set(((hpa.spec as any).metrics as { type: string; resource?: { name: string } }[]).map((m) => m.resource?.name ?? m.type));
    for (const want of ['cpu', 'Pods']) if (!types.has(want)) problems.push(`${id(hpa)}: no ${want === 'cpu' ? 'CPU' : 'connections (Pods)'} metric`);
  }
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (!withPods(objects).some((d) => d.kind === 'Deployment' && matches((pdb.spec as any).selector.matchLabels, podLabels(d)))) problems.push(`${id(pdb)}: selects no Deployment's pods`);
  }
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const spec = sm.spec as any;
    const svcs = objects.filter((o) => o.kind === 'Service' && matches(spec.selector.matchLabels, o.metadata.labels));
    if (svcs.length === 0) problems.push(`${id(sm)}: selects no Service`);
    for (const ep of spec.endpoints) {
      if (!svcs.every((s) => (s.spec as any).ports.some((p: any) => p.name === ep.port))) problems.push(`${id(sm)}: port ${ep.port} is not a port of the Service`);
      if (ep.bearerTokenSecret && !secretHas(ep.bearerTokenSecret.name, ep.bearerTokenSecret.key)) problems.push(`${id(sm)}: token ${ep.bearerTokenSecret.name}/${ep.bearerTokenSecret.key} is not in the Secret`);
    }
  }
  return problems;
}
