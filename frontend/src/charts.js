// Chart.js with only the pieces Nalgae draws: bar and line charts. This
// module is imported dynamically (see components/ChartCanvas.vue), so it is
// never part of the first page load.
import {
  Chart,
  BarController,
  LineController,
  BarElement,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
} from 'chart.js'

Chart.register(BarController, LineController, BarElement, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip)
Chart.defaults.font.family = 'system-ui, -apple-system, "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic", sans-serif'
Chart.defaults.color = '#334155'

export { Chart }
