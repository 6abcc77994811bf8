import { StoryPage } from '../../components/story/StoryPage';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StoryPage id={decodeURIComponent(id)} />;
}
