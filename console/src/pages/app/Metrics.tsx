import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiError, gql } from '../../api';
import { AppMetricsDocument, type AppMetricsQuery } from '../../gql/graphql';

type M = NonNullable<NonNullable<AppMetricsQuery['app']>['metrics']>;
type Point = { t: number; v: number };

const WINDOWS = ['15m', '1h', '6h', '24h', '7d'] as const;

/** Values laid on the range's steps (null where the API has none: uPlot draws a gap, not a zero). */
function aligned(m: M, series: Point[][], scale = 1): [number[], ...(number | null)[][]] {
  const xs: number[] = [];
  for (let t = m.range.start; t <= m.range.end; t += m.range.stepSeconds) xs.push(t);
  return [xs, ...series.map((s) => { const at = new Map(s.map((p) => [p.t, p.v * scale])); return xs.map((t) => at.get(t) ?? null); })];
}

function bytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

interface ChartProps { title: string; unit: string; data: [number[], ...(number | null)[][]]; labels: string[]; colors: string[]; format: (v: number) => string; empty: string }

/** One uPlot chart: its unit on the axis and in the title, a gap where nothing was measured, and a sentence when nothing was. */
function Chart({ title, unit, data, labels, colors, format, empty }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const points = data.slice(1).reduce((n, s) => n + (s as (number | null)[]).filter((v) => v !== null).length, 0);
  useEffect(() => {
    if (!box.current || points === 0) return;
    const plot = new uPlot({
      width: box.current.clientWidth || 400, height: 160,
      series: [{}, ...labels.map((label, i) => ({ label, stroke: colors[i], width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)) }))],
      axes: [{}, { values: (_u: uPlot, vs: number[]) => vs.map(format), size: 84 }],
      scales: { y: { range: (_u: uPlot, min: number, max: number) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      legend: { show: true },
    }, data as uPlot.AlignedData, box.current);
    const resize = new ResizeObserver(() => plot.setSize({ width: box.current?.clientWidth || 400, height: 160 }));
    resize.observe(box.current);
    return () => { resize.disconnect(); plot.destroy(); };
  }, [data, labels, colors, format, points]);
  return (
    <Card withBorder data-chart={title} data-points={points}>
      <Text fw={600} size="sm">{title} <Text span c="dimmed" size="xs">({unit})</Text></Text>
      {points === 0 ? <Text size="sm" c="dimmed" py="lg">{empty}</Text> : <div ref={box} role="img" aria-label={`${title} over time`} />}
    </Card>
  );
}

/**
 * The app's charts (lazy-loaded with uPlot, so the first load never pays for them): requests,
 * errors, latency, CPU and memory against its limit, over a window the user picks, refreshed
 * every 15 s while the page is open.
 */
export default function Metrics({ team, app }: { team: string; app: string }) {
  const [window, setWindow] = useState<(typeof WINDOWS)[number]>('1h');
  const q = useQuery({
    queryKey: ['metrics', team, app, window],
    queryFn: ({ signal }) => gql(AppMetricsDocument, { team, name: app, window }, signal),
    refetchInterval: 15_000, refetchIntervalInBackground: false, retry: false,
  });
  const m = q.data?.app?.metrics;
  const unavailable = q.error instanceof ApiError && q.error.code === 'UNAVAILABLE';
  return (
    <Stack gap="sm" data-testid="metrics">
      <Group justify="space-between">
        <Title order={2} size="h4">Metrics</Title>
        <SegmentedControl size="xs" aria-label="Time range" value={window} onChange={(v) => setWindow(v as (typeof WINDOWS)[number])} data={[...WINDOWS]} />
      </Group>
      {unavailable && <Alert color="gray" title="No metrics">{(q.error as Error).message}</Alert>}
      {q.error && !unavailable && <Alert color="red" title="Could not load metrics">{(q.error as Error).message}</Alert>}
      {m && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Chart title="Requests" unit="per second" data={aligned(m, [m.requestsPerSecond])} labels={['requests/s']} colors={['#228be6']} format={(v) => v.toFixed(v < 10 ? 2 : 0)} empty="No requests reached it through the gateway in this window." />
          <Chart title="Errors" unit="share of requests answered 5xx" data={aligned(m, [m.errorRatio], 100)} labels={['5xx %']} colors={['#fa5252']} format={(v) => `${v.toFixed(1)}%`} empty="No requests, so no error share, in this window." />
          <Chart title="Response time" unit="milliseconds" data={aligned(m, [m.latencyP50Ms, m.latencyP95Ms, m.latencyP99Ms])} labels={['p50', 'p95', 'p99']} colors={['#40c057', '#fab005', '#fd7e14']} format={(v) => `${v.toFixed(0)} ms`} empty="No requests to time in this window." />
          <Chart title="CPU" unit="cores, all replicas" data={aligned(m, [m.cpuCores], 1000)} labels={['millicores']} colors={['#7950f2']} format={(v) => `${v.toFixed(0)}m`} empty="No CPU figures: the kubelet reports them for running containers." />
          <Chart title="Memory" unit="bytes in use against the limit" data={aligned(m, [m.memoryBytes, m.memoryLimitBytes])} labels={['in use', 'limit']} colors={['#15aabf', '#868e96']} format={bytes} empty="No memory figures: the kubelet reports them for running containers." />
        </SimpleGrid>
      )}
    </Stack>
  );
}
