export { showValue as show } from '@ballast/core/error-base';
