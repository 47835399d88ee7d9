export {
  type ProblemResponse,
  type ProblemResponseOptions,
  problemResponse,
} from './problem-response.js';
