import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Spin } from 'antd';
import QRCode from 'qrcode';
import { useParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ProblemAlert } from '../shared/ProblemAlert';
import { verificationUrl } from './certificate-kinds';

const PRINT_CSS = `
@page { size: A4; margin: 20mm; }
@media print { .no-print { display: none !important; } body { background: #fff; } }
.certificate { width: 170mm; min-height: 240mm; margin: 0 auto; padding: 16mm; border: 3px double #a8071a;
  font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; color: #1f1f1f; background: #fff; box-sizing: border-box; }
.certificate h1 { text-align: center; font-size: 28pt; color: #a8071a; letter-spacing: 0.2em; margin: 8mm 0 12mm; }
.certificate dl { display: grid; grid-template-columns: 40mm 1fr; row-gap: 5mm; font-size: 14pt; }
.certificate dt { color: #595959; }
.certificate .qr { margin-top: 16mm; display: flex; gap: 8mm; align-items: center; font-size: 10pt; color: #595959; }
`;

/**
 * A certificate on an A4 page, with a QR code of its public verification address made here
 * in the browser (nothing is sent to another service). The address carries only the
 * verification code, which discloses validity, kind, date and a masked name.
 */
export default function CertificatePrint() {
  const { t } = useI18n();
  const api = useApi();
  const { householdId = '', certificateId = '' } = useParams();
  const certificates = useQuery({
    queryKey: ['certificates', householdId],
    queryFn: async () => unwrap(await api.GET('/v1/certificates', { params: { query: { householdId } } })),
  });
  const certificate = certificates.data?.items.find((c) => c.certificateId === certificateId);
  const qr = useQuery({
    queryKey: ['certificate-qr', certificate?.verificationCode],
    enabled: certificate !== undefined,
    queryFn: () =>
      QRCode.toDataURL(verificationUrl(window.location.origin, certificate?.verificationCode ?? ''), {
        errorCorrectionLevel: 'M',
        margin: 1,
        width: 200,
      }),
  });
  if (certificates.isPending) return <Spin />;
  if (certificates.error) return <ProblemAlert error={certificates.error} />;
  if (!certificate) return <ProblemAlert error={new Error(t('app.notFound'))} />;
  return (
    <>
      <style>{PRINT_CSS}</style>
      <Flex className="no-print" gap="small" style={{ padding: 16 }}>
        <Button onClick={() => window.history.back()}>{t('app.back')}</Button>
        <Button type="primary" onClick={() => window.print()}>
          {t('certificate.print')}
        </Button>
      </Flex>
      <article className="certificate" data-testid="certificate-page">
        <h1>{t(`certificate.kind.${certificate.kind}`)}</h1>
        <dl>
          <dt>{t('certificate.holder')}</dt>
          <dd>{certificate.holderName}</dd>
          <dt>{t('certificate.issuedAt')}</dt>
          <dd>{certificate.issuedAt.slice(0, 10)}</dd>
          <dt>{t('certificate.issuingRegion')}</dt>
          <dd>{certificate.issuingRegionName}</dd>
          <dt>{t('certificate.code')}</dt>
          <dd data-testid="verification-code">{certificate.verificationCode}</dd>
        </dl>
        <div className="qr">
          {qr.data && (
            <img
              src={qr.data}
              alt={certificate.verificationCode}
              width={200}
              height={200}
              data-testid="verification-qr"
            />
          )}
          <span>{t('certificate.verifyHint')}</span>
        </div>
      </article>
    </>
  );
}
