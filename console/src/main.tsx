import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { loadSettings } from './auth/settings';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadSettings().then(
  (settings) =>
    root.render(
      <StrictMode>
        <App settings={settings} />
      </StrictMode>,
    ),
  (error: unknown) => {
    root.render(<p role="alert">{`The console could not load its settings: ${String(error)}`}</p>);
  },
);
