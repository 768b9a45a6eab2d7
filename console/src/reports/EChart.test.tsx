import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { linesOption, sexRatioOption, stackedBarsOption } from './chart-options';
import EChart from './EChart';

describe('a chart', () => {
  it('draws bars, lines and the sex-ratio band with the parts of ECharts it registers, as SVG', () => {
    const months = ['2026-01', '2026-02'];
    for (const option of [
      stackedBarsOption(months, [
        { name: '男', data: [11, 10] },
        { name: '女', data: [10, 9] },
      ]),
      linesOption(months, [{ name: '出生数', data: [21, null] }]),
      sexRatioOption(months, { name: '性别比', data: [110, 111.1] }, '正常范围 103–107'),
    ]) {
      const { unmount } = render(<EChart option={option} label="图" locale="ZH" />);
      const chart = screen.getByRole('img', { name: '图' });
      expect(chart.querySelector('svg')).not.toBeNull();
      unmount();
    }
  });
});
