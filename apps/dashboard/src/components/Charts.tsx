/** Small SVG charts: no chart library, sized by the container, readable labels for screen readers. */
export function Bars({ values, max, label, tone = 'ok', height = 60 }: { values: number[]; max?: number; label: string; tone?: string; height?: number }) {
  const top = Math.max(1, max ?? Math.max(...values, 0));
  const w = 100 / Math.max(1, values.length);
  return (
    <svg className={`chart chart-${tone}`} viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {values.map((v, i) => {
        const h = (v / top) * (height - 2);
        return <rect key={i} x={i * w + w * 0.1} y={height - h} width={w * 0.8} height={h} />;
      })}
    </svg>
  );
}

/** Processed (up) vs failed (down) per hour, on one baseline. */
export function ProcessedVsFailed({ processed, failed, label }: { processed: number[]; failed: number[]; label: string }) {
  const height = 70;
  const mid = 50;
  const top = Math.max(1, ...processed, ...failed);
  const w = 100 / Math.max(1, processed.length);
  return (
    <svg className="chart pvf" viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <line x1="0" x2="100" y1={mid} y2={mid} className="axis" />
      {processed.map((v, i) => {
        const h = (v / top) * (mid - 2);
        return <rect key={`p${i}`} className="processed" x={i * w + w * 0.1} y={mid - h} width={w * 0.8} height={h} />;
      })}
      {failed.map((v, i) => {
        const h = (v / top) * (height - mid - 2);
        return <rect key={`f${i}`} className="failed" x={i * w + w * 0.1} y={mid} width={w * 0.8} height={h} />;
      })}
    </svg>
  );
}
