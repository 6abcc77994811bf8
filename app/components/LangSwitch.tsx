'use client';
import { useI18n } from '../i18n';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="btn lang-switch"
      data-testid="lang-switch"
      aria-label={t('lang.label')}
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {t('lang.switch')}
    </button>
  );
}
