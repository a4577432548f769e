/**
 * The Kubernetes deployment, rendered and checked offline (no kubectl or cluster here): the
 * example overlay renders with the kustomize subset, every object passes the schema of the fields
 * we use, the cross-object checks pass, and each check catches the mistake it exists for.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { k8sContext, ROOT } from '../scripts/deploy-check/deploy-context.ts';
import { checkK8s } from '../scripts/deploy-check/k8s-check.ts';
import { containersOf, renderKustomization, strategicMerge, type K8sObject } from '../scripts/deploy-check/kustomize.ts';

const OVERLAY = path.join(ROOT, 'deploy/k8s/overlays/example');
const ctx = k8sContext();
const render = () => renderKustomization(OVERLAY);
const get = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;

describe('kustomize overlay (deploy/k8s/overlays/example)', () => {
  it('renders the base with the overlay: namespace, images, patches, secret', () => {
    const objects = render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/boardroom-config',
        'Deployment/boardroom-builder',
        'Deployment/boardroom-server',
        'HorizontalPodAutoscaler/boardroom-server',
        'Ingress/boardroom',
        'Job/boardroom-migrations',
        'PersistentVolumeClaim/boardroom-artifacts',
        'PodDisruptionBudget/boardroom-server',
        'Secret/boardroom-secrets',
        'Service/boardroom-server',
        'ServiceMonitor/boardroom-server',
      ].sort(),
    );
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['boardroom']));
    expect(containersOf(get(objects, 'Deployment', 'boardroom-server'))[0].image).toBe('registry.example.org/boardroom/server:0.1.0');
    expect(containersOf(get(objects, 'Job', 'boardroom-migrations'))[0].image).toBe('registry.example.org/boardroom/migrate:0.1.0');
    expect(get(objects, 'Deployment', 'boardroom-builder').spec.replicas).toBe(3);
    // The patch adds keys and keeps the base's.
    expect(get(objects, 'ConfigMap', 'boardroom-config').data).toMatchObject({ PUBLIC_URL: 'https://boardroom.example.org', PORT: '8080' });
    expect(get(objects, 'Ingress', 'boardroom').spec.rules[0].http.paths[0].backend.service.name).toBe('boardroom-server');
    // The base references the Secret and never inlines it.
    const base = renderKustomization(path.join(ROOT, 'deploy/k8s/base'));
    expect(base.some((o) => o.kind === 'Secret')).toBe(false);
    expect(JSON.stringify(base)).not.toMatch(/postgres:\/\/|redis:\/\//);
  });

  it('passes the schema and every cross-object check', () => {
    expect(checkK8s(render(), ctx)).toEqual([]);
  });

  it('catches each mistake it exists for', () => {
    const cases: [(o: K8sObject[]) => void, RegExp][] = [
      [(o) => (get(o, 'Deployment', 'boardroom-server').spec.template.spec.containers[0].readinessProbe.httpGet.path = '/healthz'), /readinessProbe asks \/healthz, which server does not serve/],
      [(o) => (get(o, 'Deployment', 'boardroom-builder').spec.template.spec.containers[0].livenessProbe.httpGet.port = 'http'), /livenessProbe port http is not a port of the container/],
      [(o) => (get(o, 'Deployment', 'boardroom-server').spec.template.metadata.labels['app.kubernetes.io/component'] = 'web'), /boardroom-server: selector does not match its pod labels/],
      [(o) => (get(o, 'Service', 'boardroom-server').spec.ports[0].targetPort = 'web'), /port http targets web/],
      [(o) => delete get(o, 'Secret', 'boardroom-secrets').stringData.REDIS_URL, /REDIS_URL refers to boardroom-secrets\/REDIS_URL, which the Secret does not have/],
      [(o) => delete get(o, 'Secret', 'boardroom-secrets').stringData.METRICS_TOKEN, /ServiceMonitor\/boardroom-server: token/],
      [(o) => (get(o, 'Deployment', 'boardroom-server').spec.template.spec.terminationGracePeriodSeconds = 15), /terminationGracePeriodSeconds 15 is not above preStop 5 s \+ drain 15 s/],
      [(o) => (get(o, 'ConfigMap', 'boardroom-config').data.SHUTDOWN_DEADLINE_MS = '28000'), /not above preStop 5 s \+ drain 28 s/],
      [(o) => delete get(o, 'Deployment', 'boardroom-server').spec.template.spec.containers[0].lifecycle, /no preStop/],
      [(o) => (get(o, 'ConfigMap', 'boardroom-config').data.MAX_CONECTIONS = '5'), /MAX_CONECTIONS is not a setting/],
      [(o) => (get(o, 'Deployment', 'boardroom-server').spec.template.spec.containers[0].readinesProbe = {}), /additional properties \(readinesProbe\)/],
      [(o) => (get(o, 'Deployment', 'boardroom-server').spec.template.spec.containers[0].securityContext.runAsNonRoot = false), /must be equal to constant/],
      [(o) => (get(o, 'Ingress', 'boardroom').metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '60'), /WebSocket timeouts/],
      [(o) => (get(o, 'Ingress', 'boardroom').spec.rules[0].http.paths[0].backend.service.name = 'boardroom'), /backend boardroom is not a Service/],
      [(o) => (get(o, 'HorizontalPodAutoscaler', 'boardroom-server').spec.metrics.pop()), /no connections \(Pods\) metric/],
      [(o) => (get(o, 'HorizontalPodAutoscaler', 'boardroom-server').spec.scaleTargetRef.name = 'boardroom'), /scales Deployment\/boardroom, which does not exist/],
      [(o) => (get(o, 'PodDisruptionBudget', 'boardroom-server').spec.selector.matchLabels['app.kubernetes.io/component'] = 'api'), /PodDisruptionBudget\/boardroom-server: selects no Deployment/],
      [(o) => (get(o, 'ServiceMonitor', 'boardroom-server').spec.endpoints[0].port = 'prometheus'), /port prometheus is not a port of the Service/],
      [(o) => (get(o, 'Deployment', 'boardroom-builder').spec.template.spec.containers[0].image = 'registry.example.org/boardroom/builder:latest'), /is not pinned/],
      [(o) => (get(o, 'Deployment', 'boardroom-server').spec.template.spec.volumes[0].persistentVolumeClaim.claimName = 'artifacts'), /claim artifacts does not exist/],
    ];
    for (const [edit, problem] of cases) {
      const objects = render();
      edit(objects);
      expect(checkK8s(objects, ctx).join('\n'), String(problem)).toMatch(problem);
    }
  });
});

describe('kustomize renderer', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'boardroom-kustomize-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges named lists by name, replaces other lists, and refuses what it does not implement', () => {
    const base = { spec: { containers: [{ name: 'a', image: 'x', args: ['1'] }, { name: 'b', image: 'y' }] } };
    const patch = { spec: { containers: [{ name: 'b', image: 'z' }, { name: 'c', image: 'w' }] } };
    expect(strategicMerge(base, patch)).toEqual({ spec: { containers: [{ name: 'a', image: 'x', args: ['1'] }, { name: 'b', image: 'z' }, { name: 'c', image: 'w' }] } });
    expect(strategicMerge({ args: ['1', '2'] }, { args: ['3'] })).toEqual({ args: ['3'] });

    cpSync(OVERLAY, path.join(dir, 'example'), { recursive: true });
    cpSync(path.join(ROOT, 'deploy/k8s/base'), path.join(dir, 'base'), { recursive: true });
    const k = path.join(dir, 'example/kustomization.yaml');
    writeFileSync(k, readFileSync(k, 'utf8').replace('../../base', '../base') + 'commonLabels:\n  team: x\n');
    expect(() => renderKustomization(path.join(dir, 'example'))).toThrow(/"commonLabels" is not supported/);
    writeFileSync(k, readFileSync(k, 'utf8').replace(/commonLabels:[\s\S]*$/, '').replace('builder-replicas.yaml', 'missing-target.yaml'));
    writeFileSync(path.join(dir, 'example/missing-target.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nothing\nspec:\n  replicas: 1\n');
    expect(() => renderKustomization(path.join(dir, 'example'))).toThrow(/no Deployment nothing to patch/);
  });
});
