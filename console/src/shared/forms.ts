import type { FormInstance } from 'antd';

/** Runs `onValid` with the form's values once they pass; invalid fields are shown on the form itself. */
export function whenValid<T>(form: FormInstance<T>, onValid: (values: T) => void): void {
  form.validateFields().then(onValid, () => undefined);
}
