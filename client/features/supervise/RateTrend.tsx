// The month's 12345 rates per day as three lines (response, resolution, satisfaction), drawn as SVG.

import { useEffect, useState } from 'react';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { api } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';

interface Point {
  at: string;
  cases: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
}

const SERIES: { key: 'responseRate' | 'resolutionRate' | 'satisfactionRate'; label: MessageKey; color: string }[] = [
  { key: 'responseRate', label: 'eval.col.responseRate', color: '#3d8bfd' },
  { key: 'resolutionRate', label: 'eval.col.resolutionRate', color: '#36cfc9' },
  { key: 'satisfactionRate', label: 'eval.col.satisfactionRate', color: '#fadb14' },
];
const W = 1200;
const H = 150;

export function RateTrend({ from }: { from: string }) {
  const t = useT();
  const [points, setPoints] = useState<Point[]>([]);
  useEffect(() => {
    let live = true;
    api
      .get<{ points: Point[] }>(`/api/metrics/timeseries?bucket=day&from=${encodeURIComponent(from)}`)
      .then((r) => live && setPoints(r.points))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [from]);
  const x = (i: number) => (points.length <= 1 ? W / 2 : (i / (points.length - 1)) * (W - 40) + 30);
  const y = (v: number) => H - 20 - v * (H - 30);
  return (
    <figure className="rate-trend" data-testid="rate-trend">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('supervise.month')}>
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line x1={30} x2={W - 10} y1={y(v)} y2={y(v)} className="rate-trend__grid" />
            <text x={0} y={y(v) + 4} className="rate-trend__tick">
              {v * 100}%
            </text>
          </g>
        ))}
        {SERIES.map((s) => {
          const pts = points.flatMap((p, i) => (p[s.key] === null ? [] : [`${x(i)},${y(p[s.key]!)}`]));
          return (
            <g key={s.key}>
              {pts.length > 1 && <polyline points={pts.join(' ')} fill="none" stroke={s.color} strokeWidth={2} />}
              {pts.map((p) => {
                const [cx, cy] = p.split(',');
                return <circle key={p} cx={cx} cy={cy} r={3.5} fill={s.color} />;
              })}
            </g>
          );
        })}
        {points.map((p, i) => (
          <text key={p.at} x={x(i)} y={H - 4} className="rate-trend__tick" textAnchor="middle">
            {i % Math.max(1, Math.ceil(points.length / 10)) === 0 ? p.at.slice(8, 10) : ''}
          </text>
        ))}
      </svg>
      <figcaption className="rate-trend__legend">
        {SERIES.map((s) => (
          <span key={s.key}>
            <i style={{ background: s.color }} /> {t(s.label)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
