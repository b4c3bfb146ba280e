import { createApp } from 'vue'
import App from './App.vue'
import { createAppRouter } from './router.js'
import { i18n } from './i18n.js'
import './styles.css'

document.documentElement.lang = i18n.global.locale.value

const app = createApp(App)
app.use(i18n)
app.use(createAppRouter())
app.mount('#app')
