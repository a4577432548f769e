/** Entry point: styles, then the app into #app. */
import 'golden-layout/dist/css/goldenlayout-base.css';
import 'golden-layout/dist/css/themes/goldenlayout-light-theme.css';
import './styles/base.css';
import './styles/workspace.css';
import './styles/form.css';
import './styles/panels.css';
import './styles/builds.css';
import './styles/dialogs.css';
import './styles/history.css';
import './styles/comments.css';
import './styles/files.css';
import './styles/kernel.css';
import './styles/review.css';
import { render } from 'solid-js/web';
import { App } from './app/app.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
render(() => <App />, root);
