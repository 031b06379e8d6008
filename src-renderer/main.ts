import { z } from 'zod';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles.css';

// The CSP forbids eval; tell zod not to try its JIT compiler.
z.config({ jitless: true });

createApp(App).use(createPinia()).mount('#app');
